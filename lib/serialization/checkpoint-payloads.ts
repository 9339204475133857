/**
 * The `debug`, `tasks` and `checkpoints` stream payloads as the official server sends them: LangGraph's own
 * chunks carry RunnableConfigs, which the server turns into checkpoint references (`{thread_id, checkpoint_id,
 * checkpoint_ns, checkpoint_map}`), with the graph's internal `configurable` keys (`__pregel_…`) left out.
 */
import { isCheckpointEnvelope } from "@langchain/langgraph";
import type { RunnableConfig } from "@langchain/core/runnables";

export interface CheckpointRef {
  thread_id: string;
  checkpoint_id: string | null;
  checkpoint_ns: string;
  checkpoint_map: Record<string, unknown> | null;
}

type Record_ = Record<string, unknown>;
const isRecord = (value: unknown): value is Record_ =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A checkpoint's config as a reference to it; null unless it names a thread and (unless `task`) a checkpoint. */
export function checkpointRef(config: unknown, options: { task?: boolean } = {}): CheckpointRef | null {
  const c = isRecord(config) && isRecord(config.configurable) ? config.configurable : undefined;
  if (!c || typeof c.thread_id !== "string" || !c.thread_id) return null;
  const id = c.checkpoint_id;
  if (options.task ? id != null && typeof id !== "string" : typeof id !== "string") return null;
  if (c.checkpoint_ns != null && typeof c.checkpoint_ns !== "string") return null;
  if (c.checkpoint_map != null && !isRecord(c.checkpoint_map)) return null;
  return {
    thread_id: c.thread_id,
    checkpoint_id: (id as string | undefined) || null,
    checkpoint_ns: (c.checkpoint_ns as string | undefined) || "",
    checkpoint_map: (c.checkpoint_map as Record_ | undefined) || null,
  };
}

/** A task (of a `tasks` chunk, or of a checkpoint's task list) whose `state` is a subgraph's config: `checkpoint` instead. */
export function debugTask(task: unknown): unknown {
  if (!isRecord(task) || !isRecord(task.state) || !isRecord(task.state.configurable)) return task;
  const checkpoint = checkpointRef(task.state, { task: true });
  if (!checkpoint) return task;
  const { state: _state, ...rest } = task;
  return { ...rest, checkpoint };
}

/** A config without the graph's internal `configurable` keys and without callbacks. */
function publicConfig(config: unknown): unknown {
  if (!isRecord(config) || !isRecord(config.configurable)) return config;
  const { callbacks: _callbacks, ...rest } = config as RunnableConfig & Record_;
  return {
    ...rest,
    configurable: Object.fromEntries(Object.entries(config.configurable).filter(([key]) => !key.startsWith("__"))),
  };
}

/** A checkpoint payload (of a `debug` chunk): `checkpoint` and `parent_checkpoint` references, `parent_config`. */
export function debugCheckpoint(payload: Record_): Record_ {
  const { parentConfig, ...rest } = payload;
  return {
    ...rest,
    config: publicConfig(payload.config),
    checkpoint: checkpointRef(payload.config),
    parent_checkpoint: checkpointRef(parentConfig),
    tasks: Array.isArray(payload.tasks) ? payload.tasks.map(debugTask) : payload.tasks,
    parent_config: publicConfig(parentConfig),
  };
}

/** A `debug` chunk: its checkpoint and task-result payloads as above. */
export function debugChunk(chunk: unknown): unknown {
  if (!isRecord(chunk) || !isRecord(chunk.payload)) return chunk;
  if (chunk.type === "checkpoint") return { ...chunk, payload: debugCheckpoint(chunk.payload) };
  if (chunk.type === "task_result") return { ...chunk, payload: debugTask(chunk.payload) };
  return chunk;
}

/**
 * What a client is sent for a stored event. A `checkpoints` event is stored whole (the thread-centric protocol
 * reads the checkpoint's id and parent from it) and sent as the official server sends it: `{values, metadata, next}`.
 * A checkpoint envelope (`{id, parent_id, step, source}`, sent before `values` under stream_subgraphs) goes as it is.
 */
export function clientEventData(event: string, data: unknown): unknown {
  if (event.split("|")[0] !== "checkpoints" || !isRecord(data) || isCheckpointEnvelope(data)) return data;
  return { values: data.values, metadata: data.metadata, next: data.next };
}
