/** Assistant endpoints: CRUD, search and count, versions, and the graph, schemas and subgraphs of an assistant. */
import { json } from "../http/json.js";
import type { Input } from "../http/route.js";
import type { Platform } from "../platform.js";
import type {
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

export async function create({ body }: Input<AssistantCreateBody>, p: Platform): Promise<Response> {
  return json(await createAssistant(p, body));
}

export async function get({ params }: Input, p: Platform): Promise<Response> {
  return json(await getAssistant(p, params.assistant_id));
}

export async function patch({ body, params }: Input<AssistantPatchBody>, p: Platform): Promise<Response> {
  return json(await patchAssistant(p, params.assistant_id, body));
}

export async function remove(
  { query, params }: Input<undefined, DeleteAssistantQuery>,
  p: Platform,
): Promise<Response> {
  await deleteAssistant(p, params.assistant_id, query.delete_threads ?? false);
  return new Response(null, { status: 204 });
}

/** Pagination headers as the official server sends them: X-Pagination-Next when a full page came back. */
export async function search({ body }: Input<AssistantSearchBody>, p: Platform): Promise<Response> {
  const { page, total } = await searchAssistants(p, body);
  const offset = body.offset ?? 0;
  const headers: Record<string, string> = { "x-pagination-total": String(total) };
  if (offset + page.length < total) headers["x-pagination-next"] = String(offset + page.length);
  return json(page, 200, headers);
}

export async function count({ body }: Input<AssistantCountBody>, p: Platform): Promise<Response> {
  return json((await searchAssistants(p, { ...body, limit: 1000, offset: 0 })).total);
}

export async function versions({ body, params }: Input<AssistantVersionsBody>, p: Platform): Promise<Response> {
  return json(
    await assistantVersions(p, params.assistant_id, {
      metadata: body.metadata,
      limit: body.limit ?? 10,
      offset: body.offset ?? 0,
    }),
  );
}

export async function setLatest({ body, params }: Input<AssistantLatestBody>, p: Platform): Promise<Response> {
  return json(await setLatestVersion(p, params.assistant_id, body.version));
}

export async function graph({ query, params }: Input<undefined, GraphQuery>, p: Platform): Promise<Response> {
  const assistant = await getAssistant(p, params.assistant_id);
  return json(await p.graphs.drawable(assistant.graph_id, query.xray ?? false, graphReadConfig(assistant)));
}

export async function schemas({ params }: Input, p: Platform): Promise<Response> {
  const assistant = await getAssistant(p, params.assistant_id);
  return json(await p.graphs.schemas(assistant.graph_id, graphReadConfig(assistant)));
}

export async function subgraphs({ query, params }: Input<undefined, SubgraphsQuery>, p: Platform): Promise<Response> {
  const assistant = await getAssistant(p, params.assistant_id);
  const recurse = query.recurse ?? false;
  return json(await p.graphs.subgraphs(assistant.graph_id, params.namespace, recurse, graphReadConfig(assistant)));
}
