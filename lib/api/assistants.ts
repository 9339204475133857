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
import type { Assistant } from "../stores/assistant-store.js";
import { HttpError } from "../http/errors.js";
import { uuid7 } from "../ids.js";
import { authorize } from "../auth/guard.js";
import { matchesAuthFilters } from "../auth/filters.js";

/**
 * Custom auth: authorizes `event` on an assistant, which must then match the filters (one that does not is not
 * found). Reads the assistant only when there are filters; returns it when it did.
 */
async function authorizeAssistant(
  p: Platform,
  event: string,
  value: { assistant_id: string } & Record<string, unknown>,
): Promise<Assistant | undefined> {
  const filters = await authorize(event, value);
  if (!filters) return undefined;
  const assistant = await getAssistant(p, value.assistant_id);
  if (!matchesAuthFilters(assistant.metadata, filters)) throw new HttpError(404, "Assistant not found");
  return assistant;
}

/** The assistant, when the `assistants:read` handler allows it. */
const readable = async (p: Platform, assistantId: string) =>
  (await authorizeAssistant(p, "assistants:read", { assistant_id: assistantId })) ?? getAssistant(p, assistantId);

/** A readable assistant whose graph this server has (an assistant may name one it has not: 404, as officially). */
async function withGraph(p: Platform, assistantId: string): Promise<Assistant> {
  const assistant = await readable(p, assistantId);
  if (!p.graphs.has(assistant.graph_id)) throw new HttpError(404, `Graph "${assistant.graph_id}" not found`);
  return assistant;
}

/** Under custom auth the `assistants:create` handler may change what is created (stamp its metadata). */
export async function create({ body }: Input<AssistantCreateBody>, p: Platform): Promise<Response> {
  const value = { ...body, assistant_id: body.assistant_id ?? uuid7(), metadata: body.metadata ?? {} };
  const filters = await authorize("assistants:create", value);
  if (filters && body.assistant_id) {
    const existing = await getAssistant(p, body.assistant_id).catch(() => undefined);
    if (existing && !matchesAuthFilters(existing.metadata, filters))
      throw new HttpError(409, "Assistant already exists");
  }
  return json(await createAssistant(p, value));
}

export async function get({ params }: Input, p: Platform): Promise<Response> {
  return json(await readable(p, params.assistant_id));
}

export async function patch({ body, params }: Input<AssistantPatchBody>, p: Platform): Promise<Response> {
  const value = { ...body, assistant_id: params.assistant_id };
  await authorizeAssistant(p, "assistants:update", value);
  const { assistant_id: _id, ...patched } = value;
  return json(await patchAssistant(p, params.assistant_id, patched));
}

export async function remove(
  { query, params }: Input<undefined, DeleteAssistantQuery>,
  p: Platform,
): Promise<Response> {
  await authorizeAssistant(p, "assistants:delete", { assistant_id: params.assistant_id });
  // The official server answers the deleted ids, which the SDK's assistants.delete resolves to.
  return json([await deleteAssistant(p, params.assistant_id, query.delete_threads ?? false)]);
}

/** Pagination headers as the official server sends them: X-Pagination-Next when a full page came back. */
export async function search({ body }: Input<AssistantSearchBody>, p: Platform): Promise<Response> {
  const { graph_id, metadata, limit, offset: from } = body;
  const auth = await authorize("assistants:search", { graph_id, metadata, limit, offset: from });
  const { page, total } = await searchAssistants(p, body, auth);
  const offset = body.offset ?? 0;
  const headers: Record<string, string> = { "x-pagination-total": String(total) };
  if (offset + page.length < total) headers["x-pagination-next"] = String(offset + page.length);
  return json(page, 200, headers);
}

export async function count({ body }: Input<AssistantCountBody>, p: Platform): Promise<Response> {
  const auth = await authorize("assistants:search", { graph_id: body.graph_id, metadata: body.metadata });
  return json((await searchAssistants(p, { ...body, limit: 1000, offset: 0 }, auth)).total);
}

/** An empty page (no version matches the filters, the read handler's included, or the offset is past them) is a 404, as officially. */
export async function versions({ body, params }: Input<AssistantVersionsBody>, p: Platform): Promise<Response> {
  const auth = await authorize("assistants:read", { assistant_id: params.assistant_id });
  const page = await assistantVersions(p, params.assistant_id, {
    auth,
    metadata: body.metadata,
    limit: body.limit ?? 10,
    offset: body.offset ?? 0,
  });
  if (page.length === 0) throw new HttpError(404, `Assistant "${params.assistant_id}" not found.`);
  return json(page);
}

export async function setLatest({ body, params }: Input<AssistantLatestBody>, p: Platform): Promise<Response> {
  await authorizeAssistant(p, "assistants:update", { assistant_id: params.assistant_id, version: body.version });
  return json(await setLatestVersion(p, params.assistant_id, body.version));
}

export async function graph({ query, params }: Input<undefined, GraphQuery>, p: Platform): Promise<Response> {
  const assistant = await withGraph(p, params.assistant_id);
  return json(await p.graphs.drawable(assistant.graph_id, query.xray ?? false, graphReadConfig(assistant)));
}

export async function schemas({ params }: Input, p: Platform): Promise<Response> {
  const assistant = await withGraph(p, params.assistant_id);
  return json(await p.graphs.schemas(assistant.graph_id, graphReadConfig(assistant)));
}

export async function subgraphs({ query, params }: Input<undefined, SubgraphsQuery>, p: Platform): Promise<Response> {
  const assistant = await withGraph(p, params.assistant_id);
  const recurse = query.recurse ?? false;
  return json(await p.graphs.subgraphs(assistant.graph_id, params.namespace, recurse, graphReadConfig(assistant)));
}
