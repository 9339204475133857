/**
 * Checkpoint metadata: what a run's checkpoints carry besides what the graph writes, and the filter of list().
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import type { CheckpointMetadata } from "@langchain/langgraph-checkpoint";
import { isDeepStrictEqual } from "node:util";

/** Configurable keys that are not the checkpoint's address or LangGraph internals (`__…`). */
const NOT_METADATA = new Set(["checkpoint_ns", "checkpoint_id", "run_id", "thread_id"]);

/** What of a config goes into checkpoint metadata: configurable keys (see NOT_METADATA), then `config.metadata`. */
function runConfigMetadata(config: RunnableConfig): Record<string, unknown> {
  const configurable = Object.entries(config.configurable ?? {}).filter(
    ([key, value]) => !key.startsWith("__") && !NOT_METADATA.has(key) && value !== undefined,
  );
  return { ...Object.fromEntries(configurable), ...config.metadata };
}

/**
 * The metadata stored with a checkpoint. The run that wrote a checkpoint is part of its metadata (as on LangGraph
 * Platform): a resumed run knows where it got to, and a rollback knows what to remove. As the official server's
 * saver does, a run's checkpoint metadata also takes the run's config (configurable keys, then config.metadata:
 * graph, assistant, the run's own metadata), so history can be filtered by them.
 */
export function storedMetadata(config: RunnableConfig, metadata: CheckpointMetadata): CheckpointMetadata {
  const runId = config.configurable?.run_id;
  if (typeof runId !== "string") return withGraphId(config, metadata);
  const merged = { ...runConfigMetadata(config), ...metadata } as CheckpointMetadata;
  return "run_id" in merged ? merged : ({ ...merged, run_id: runId } as CheckpointMetadata);
}

/**
 * A checkpoint written outside a run (a state update, a thread created with supersteps) names the graph its config
 * names, as on the official server, whose saver merges every configurable key; other keys are left out here, so a
 * saver used on its own stores metadata as given.
 */
function withGraphId(config: RunnableConfig, metadata: CheckpointMetadata): CheckpointMetadata {
  const graphId = config.configurable?.graph_id;
  return typeof graphId === "string" ? ({ graph_id: graphId, ...metadata } as CheckpointMetadata) : metadata;
}

/** Metadata matches when every filter key is present with an equal value (deep, for objects). */
export function matchesFilter(metadata: Record<string, unknown>, filter: Record<string, unknown>): boolean {
  return Object.entries(filter).every(([key, value]) => isDeepStrictEqual(metadata[key], value));
}
