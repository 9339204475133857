/**
 * Assistants. For now every graph in langgraph.json has one default assistant, addressable by its graph id or
 * by the same UUIDv5 the official server gives it; stored, versioned assistants come with the API-surface issue.
 */
import { HttpError } from "../http/errors.js";
import { defaultAssistantId } from "../ids.js";
import type { Platform } from "../platform.js";

export interface Assistant {
  assistant_id: string;
  graph_id: string;
  config: Record<string, unknown>;
  context: Record<string, unknown>;
  metadata: Record<string, unknown>;
  name: string;
  description: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

/** Fixed at process start so default assistants keep stable timestamps. */
const BOOT_TIME = new Date().toISOString();

export function resolveGraphId(p: Platform, assistantId: string): string | undefined {
  if (p.graphs.has(assistantId)) return assistantId;
  return p.graphs.ids().find((graphId) => defaultAssistantId(graphId) === assistantId);
}

export function defaultAssistant(graphId: string): Assistant {
  return {
    assistant_id: defaultAssistantId(graphId),
    graph_id: graphId,
    config: {},
    context: {},
    metadata: { created_by: "system" },
    name: graphId,
    description: null,
    version: 1,
    created_at: BOOT_TIME,
    updated_at: BOOT_TIME,
  };
}

export function getAssistant(p: Platform, assistantId: string): Assistant {
  const graphId = resolveGraphId(p, assistantId);
  if (!graphId) throw new HttpError(404, "Assistant not found");
  return defaultAssistant(graphId);
}

export function searchAssistants(
  p: Platform,
  query: { graph_id?: string; metadata?: Record<string, unknown>; limit: number; offset: number },
): Assistant[] {
  return p.graphs
    .ids()
    .map(defaultAssistant)
    .filter((a) => !query.graph_id || a.graph_id === query.graph_id)
    .filter((a) => Object.entries(query.metadata ?? {}).every(([k, v]) => JSON.stringify(a.metadata[k]) === JSON.stringify(v)))
    .slice(query.offset, query.offset + query.limit);
}
