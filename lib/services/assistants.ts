/**
 * Assistants: stored and versioned (lib/stores/assistant-store.ts), plus one default assistant per graph in
 * langgraph.json — id uuid5(graph_id) as on the official servers, also addressable by the graph id itself. The
 * defaults are written at start-up (ensureDefaultAssistants); until then, and if one is deleted, the default is
 * still served from the graph, so a run on "agent" always works while the graph is deployed.
 */
import type { AuthFilters } from "../auth/custom-auth.js";
import { matchesAuthFilters } from "../auth/filters.js";
import type { RunnableConfig } from "@langchain/core/runnables";
import { HttpError } from "../http/errors.js";
import { defaultAssistantId, uuid7 } from "../ids.js";
import { now, type Platform } from "../platform.js";
import type { AssistantCreateBody, AssistantPatchBody, AssistantSearchBody } from "../schemas/assistants.js";
import { containsJson } from "../search/contains.js";
import type { Assistant, AssistantVersion } from "../stores/assistant-store.js";
import { deleteThread } from "./threads.js";

export type { Assistant };

/** Fixed at process start: the timestamp of a default assistant not (yet) stored. */
const BOOT_TIME = new Date().toISOString();

/** A graph's default assistant, with its config and context from LANGGRAPH_CONFIG (`p.graphs.info`). */
export function defaultAssistant(p: Platform, graphId: string, at = BOOT_TIME): Assistant {
  const info = p.graphs.info(graphId);
  return {
    assistant_id: defaultAssistantId(graphId),
    graph_id: graphId,
    config: info.config,
    context: info.context ?? {},
    metadata: { created_by: "system" },
    name: graphId,
    description: null,
    version: 1,
    created_at: at,
    updated_at: at,
  };
}

/** A graph id names its default assistant. */
const storedId = (p: Platform, assistantId: string) =>
  p.graphs.has(assistantId) ? defaultAssistantId(assistantId) : assistantId;

/** The graph whose default assistant this id is, if any. */
function defaultGraphOf(p: Platform, assistantId: string): string | undefined {
  if (p.graphs.has(assistantId)) return assistantId;
  return p.graphs.ids().find((graphId) => defaultAssistantId(graphId) === assistantId);
}

/**
 * Stores each graph's default assistant unless it is there already (one conditional put per graph). As on the
 * official server (`if_exists: "do_nothing"`), one stored by an earlier start keeps its config: a changed
 * LANGGRAPH_CONFIG reaches an existing default assistant through `assistants.update`, not a restart.
 */
export async function ensureDefaultAssistants(p: Platform): Promise<void> {
  const at = now();
  await Promise.all(p.graphs.ids().map((graphId) => p.assistants.create(defaultAssistant(p, graphId, at))));
}

export async function getAssistant(p: Platform, assistantId: string): Promise<Assistant> {
  const stored = await p.assistants.get(storedId(p, assistantId));
  if (stored) {
    const { latest_version: _latest, ...assistant } = stored;
    return assistant;
  }
  const graphId = defaultGraphOf(p, assistantId);
  if (graphId) return defaultAssistant(p, graphId);
  throw new HttpError(404, "Assistant not found");
}

/**
 * The assistant as this process last read it, if it did (AssistantStore.recent): another process may have changed
 * it since, so a caller reads it again (getAssistant) before relying on it.
 */
export function recentAssistant(p: Platform, assistantId: string): Assistant | undefined {
  const stored = p.assistants.recent(storedId(p, assistantId));
  if (!stored) return undefined;
  const { latest_version: _latest, ...assistant } = stored;
  return assistant;
}

/**
 * A new assistant. Its graph need not be deployed (yet), as on the official server: the assistant is stored, and
 * what needs the graph (drawing it, its schemas, a run) answers that it is not found.
 */
export async function createAssistant(p: Platform, body: AssistantCreateBody): Promise<Assistant> {
  const at = now();
  const assistant: Assistant = {
    assistant_id: body.assistant_id ?? uuid7(),
    graph_id: body.graph_id,
    config: body.config ?? {},
    context: body.context ?? {},
    metadata: body.metadata ?? {},
    name: body.name || "Untitled",
    description: body.description ?? null,
    version: 1,
    created_at: at,
    updated_at: at,
  };
  if (await p.assistants.create(assistant)) return assistant;
  if (body.if_exists === "do_nothing") return getAssistant(p, assistant.assistant_id);
  throw new HttpError(409, "Assistant already exists");
}

/** A new version with the given fields changed (metadata is merged), made the current one. */
export async function patchAssistant(p: Platform, assistantId: string, body: AssistantPatchBody): Promise<Assistant> {
  const id = storedId(p, assistantId);
  const graphId = defaultGraphOf(p, id);
  if (graphId) await p.assistants.create(defaultAssistant(p, graphId, now())); // a default not stored yet
  const at = now();
  const updated = await p.assistants.addVersion(id, (current, version) => ({
    ...current,
    graph_id: body.graph_id ?? current.graph_id,
    config: body.config ?? current.config,
    context: body.context ?? current.context,
    metadata: body.metadata != null ? { ...current.metadata, ...body.metadata } : current.metadata,
    name: body.name ?? current.name,
    description: body.description !== undefined ? body.description : current.description,
    version,
    updated_at: at,
  }));
  if (!updated) throw new HttpError(404, "Assistant not found");
  return updated;
}

/** Deletes the assistant (and its threads, when asked); returns its id (a graph id names its default's). */
export async function deleteAssistant(p: Platform, assistantId: string, deleteThreads: boolean): Promise<string> {
  const id = storedId(p, assistantId);
  if (!(await p.assistants.delete(id))) throw new HttpError(404, "Assistant not found");
  if (!deleteThreads) return id;
  for (;;) {
    const threads = await p.threads.search({
      metadata: { assistant_id: id },
      limit: 100,
      offset: 0,
      sortBy: "created_at",
      sortOrder: "desc",
    });
    for (const thread of threads) await deleteThread(p, thread.thread_id);
    if (threads.length < 100) return id;
  }
}

export async function setLatestVersion(p: Platform, assistantId: string, version: number): Promise<Assistant> {
  const result = await p.assistants.setCurrent(storedId(p, assistantId), version, now());
  if (result === "no-assistant") throw new HttpError(404, "Assistant not found");
  if (result === "no-version") throw new HttpError(404, `Assistant version ${version} not found`);
  return result;
}

export async function assistantVersions(
  p: Platform,
  assistantId: string,
  query: { metadata?: Record<string, unknown> | null; limit: number; offset: number; auth?: AuthFilters },
): Promise<AssistantVersion[]> {
  const id = storedId(p, assistantId);
  let versions = await p.assistants.versions(id);
  if (versions.length === 0) {
    const graphId = defaultGraphOf(p, id);
    if (!graphId) throw new HttpError(404, `Assistant "${assistantId}" not found.`); // the official server's words
    const { updated_at: _updated, ...first } = defaultAssistant(p, graphId);
    versions = [first];
  }
  return versions
    .filter((v) => !query.metadata || containsJson(v.metadata, query.metadata))
    .filter((v) => matchesAuthFilters(v.metadata, query.auth))
    .slice(query.offset, query.offset + query.limit);
}

type SortKey = "assistant_id" | "graph_id" | "name" | "created_at" | "updated_at";

/** Stored assistants and any default not stored yet, filtered, sorted (newest first by default) and paged. */
export async function searchAssistants(
  p: Platform,
  query: AssistantSearchBody,
  auth?: AuthFilters,
): Promise<{ page: Partial<Assistant>[]; total: number }> {
  const stored = await p.assistants.list();
  const ids = new Set(stored.map((a) => a.assistant_id));
  const all = [
    ...stored,
    ...p.graphs
      .ids()
      .map((g) => defaultAssistant(p, g))
      .filter((a) => !ids.has(a.assistant_id)),
  ];
  const sortBy: SortKey = query.sort_by ?? "created_at";
  const direction = (query.sort_order ?? "desc") === "desc" ? -1 : 1;
  const matching = all
    .filter(
      (a) =>
        (query.graph_id == null || a.graph_id === query.graph_id) &&
        (query.name == null || a.name.toLowerCase().includes(query.name.toLowerCase())) &&
        (query.metadata == null || containsJson(a.metadata, query.metadata)) &&
        matchesAuthFilters(a.metadata, auth),
    )
    .sort((a, b) => direction * String(a[sortBy]).localeCompare(String(b[sortBy])));
  const offset = query.offset ?? 0;
  const page = matching.slice(offset, offset + (query.limit ?? 10));
  const select = query.select;
  return {
    page: select
      ? page.map((a) => Object.fromEntries(Object.entries(a).filter(([k]) => select.includes(k as keyof Assistant))))
      : page,
    total: matching.length,
  };
}

/** A run's config and context: the assistant's, with the run's own on top (configurable and metadata merged key by key). */
export function withAssistantDefaults(
  assistant: Assistant,
  config: Record<string, unknown> = {},
  context?: Record<string, unknown>,
): { config: Record<string, unknown>; context?: Record<string, unknown> } {
  type Config = { configurable?: Record<string, unknown>; metadata?: Record<string, unknown> };
  const base = assistant.config as Config;
  const own = config as Config;
  const merged: Record<string, unknown> = { ...base, ...own };
  if (base.configurable || own.configurable) merged.configurable = { ...base.configurable, ...own.configurable };
  // The run's metadata starts from the assistant's own (`created_by: "system"` on a graph's default), as officially.
  const metadata = { ...assistant.metadata, ...base.metadata, ...own.metadata };
  if (Object.keys(metadata).length > 0) merged.metadata = metadata;
  const hasContext = Object.keys(assistant.context).length > 0 || context;
  return { config: merged, context: hasContext ? { ...assistant.context, ...context } : undefined };
}

/**
 * The config a graph factory is called with to draw an assistant's graph or read its schemas and subgraphs: the
 * assistant's config, in the RunnableConfig spelling (`recursion_limit` → `recursionLimit`, …) as on the official server.
 */
export function graphReadConfig(assistant: Assistant): RunnableConfig {
  const c = assistant.config as Record<string, unknown>;
  const config: Record<string, unknown> = {
    configurable: c.configurable,
    tags: c.tags,
    metadata: c.metadata,
    runName: c.run_name,
    maxConcurrency: c.max_concurrency,
    recursionLimit: c.recursion_limit,
    runId: c.run_id,
  };
  return Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined)) as RunnableConfig;
}
