/** Assistant endpoints: CRUD, search and count, versions, and the graph, schemas and subgraphs of an assistant. */
import { json, parseBody, parseQuery } from "../http/json.js";
import type { Params } from "../http/router.js";
import type { Platform } from "../platform.js";
import {
  AssistantCountBody,
  AssistantCreateBody,
  AssistantLatestBody,
  AssistantPatchBody,
  AssistantSearchBody,
  AssistantVersionsBody,
  DeleteAssistantQuery,
  GraphQuery,
  SubgraphsQuery,
} from "../schemas/assistants.js";
import {
  assistantVersions,
  createAssistant,
  deleteAssistant,
  getAssistant,
  graphReadConfig,
  patchAssistant,
  searchAssistants,
  setLatestVersion,
} from "../services/assistants.js";

const flag = (value: string | undefined) => value === "true" || value === "1";

export async function create(req: Request, _params: Params, p: Platform): Promise<Response> {
  return json(await createAssistant(p, await parseBody(req, AssistantCreateBody)));
}

export async function get(_req: Request, params: Params, p: Platform): Promise<Response> {
  return json(await getAssistant(p, params.assistant_id));
}

export async function patch(req: Request, params: Params, p: Platform): Promise<Response> {
  return json(await patchAssistant(p, params.assistant_id, await parseBody(req, AssistantPatchBody)));
}

export async function remove(req: Request, params: Params, p: Platform): Promise<Response> {
  const q = parseQuery(req, DeleteAssistantQuery);
  await deleteAssistant(p, params.assistant_id, flag(q.delete_threads));
  return new Response(null, { status: 204 });
}

/** Pagination headers as the official server sends them: X-Pagination-Next when a full page came back. */
export async function search(req: Request, _params: Params, p: Platform): Promise<Response> {
  const body = await parseBody(req, AssistantSearchBody);
  const { page, total } = await searchAssistants(p, body);
  const offset = body.offset ?? 0;
  const headers: Record<string, string> = { "x-pagination-total": String(total) };
  if (offset + page.length < total) headers["x-pagination-next"] = String(offset + page.length);
  return json(page, 200, headers);
}

export async function count(req: Request, _params: Params, p: Platform): Promise<Response> {
  const body = await parseBody(req, AssistantCountBody);
  return json((await searchAssistants(p, { ...body, limit: 1000, offset: 0 })).total);
}

export async function versions(req: Request, params: Params, p: Platform): Promise<Response> {
  const body = await parseBody(req, AssistantVersionsBody);
  return json(
    await assistantVersions(p, params.assistant_id, {
      metadata: body.metadata,
      limit: body.limit ?? 10,
      offset: body.offset ?? 0,
    }),
  );
}

export async function setLatest(req: Request, params: Params, p: Platform): Promise<Response> {
  const { version } = await parseBody(req, AssistantLatestBody);
  return json(await setLatestVersion(p, params.assistant_id, version));
}

export async function graph(req: Request, params: Params, p: Platform): Promise<Response> {
  const assistant = await getAssistant(p, params.assistant_id);
  const { xray } = parseQuery(req, GraphQuery);
  const depth =
    xray === undefined || xray === "false" || xray === "0"
      ? false
      : xray === "true" || xray === "1"
        ? true
        : Number(xray);
  return json(await p.graphs.drawable(assistant.graph_id, depth, graphReadConfig(assistant)));
}

export async function schemas(_req: Request, params: Params, p: Platform): Promise<Response> {
  const assistant = await getAssistant(p, params.assistant_id);
  return json(await p.graphs.schemas(assistant.graph_id, graphReadConfig(assistant)));
}

export async function subgraphs(req: Request, params: Params, p: Platform): Promise<Response> {
  const assistant = await getAssistant(p, params.assistant_id);
  const { recurse } = parseQuery(req, SubgraphsQuery);
  return json(
    await p.graphs.subgraphs(assistant.graph_id, params.namespace, flag(recurse), graphReadConfig(assistant)),
  );
}
