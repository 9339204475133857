/** Thread state: read the latest or a given checkpoint, update it, walk its history — through the graph. */
import type { RunnableConfig } from "@langchain/core/runnables";
import type { StateSnapshot } from "@langchain/langgraph";
import { HttpError } from "../http/errors.js";
import { now, type Platform } from "../platform.js";
import { toWire } from "../serialization/wire.js";
import type { Thread } from "../stores/thread-store.js";
import { getThreadOr404 } from "./threads.js";

export interface CheckpointRef {
  checkpoint_id?: string | null;
  checkpoint_ns?: string | null;
}

/** The graph that runs on the thread (set by its first run), with the DynamoDB checkpointer attached. */
async function graphFor(p: Platform, thread: Thread) {
  const graphId = thread.metadata.graph_id;
  if (typeof graphId !== "string" || !p.graphs.has(graphId)) return undefined;
  return p.graphs.get(graphId, { checkpointer: p.checkpointer });
}

function configFor(threadId: string, ref?: CheckpointRef | null): RunnableConfig {
  return {
    configurable: {
      thread_id: threadId,
      checkpoint_ns: ref?.checkpoint_ns ?? "",
      ...(ref?.checkpoint_id ? { checkpoint_id: ref.checkpoint_id } : {}),
    },
  };
}

export async function getState(p: Platform, threadId: string, options: { subgraphs?: boolean; checkpoint?: CheckpointRef | null } = {}) {
  const thread = await getThreadOr404(p, threadId);
  const graph = await graphFor(p, thread);
  if (!graph) return emptyState(threadId);
  const snapshot = await graph.getState(configFor(threadId, options.checkpoint), { subgraphs: options.subgraphs });
  if (options.checkpoint?.checkpoint_id && !snapshot.config.configurable?.checkpoint_id) throw new HttpError(404, "Checkpoint not found");
  return serializeSnapshot(snapshot);
}

export async function updateState(
  p: Platform,
  threadId: string,
  body: { values?: unknown; as_node?: string | null; checkpoint?: CheckpointRef | null; checkpoint_id?: string | null },
) {
  const thread = await getThreadOr404(p, threadId);
  const graph = await graphFor(p, thread);
  if (!graph) throw new HttpError(409, "Thread has no graph yet: run it once before updating its state");
  if (thread.active_run) throw new HttpError(409, "Thread is busy: its state changes only between runs");
  const ref = body.checkpoint ?? (body.checkpoint_id ? { checkpoint_id: body.checkpoint_id } : undefined);
  const config = await graph.updateState(configFor(threadId, ref), body.values ?? null, body.as_node ?? undefined);
  const state = await graph.getState({ configurable: { thread_id: threadId } });
  await p.threads.recordState(threadId, {
    status: state.next.length > 0 ? "interrupted" : "idle",
    values: toWire(state.values) as Record<string, unknown>,
    interrupts: interruptsOf(state),
    now: now(),
  });
  return { checkpoint: checkpointOf(config) };
}

export async function getHistory(
  p: Platform,
  threadId: string,
  body: { limit?: number | null; before?: string | CheckpointRef | null; metadata?: Record<string, unknown> | null; checkpoint?: CheckpointRef | null },
) {
  const thread = await getThreadOr404(p, threadId);
  const graph = await graphFor(p, thread);
  if (!graph) return [];
  const before = typeof body.before === "string" ? { checkpoint_id: body.before } : body.before;
  const snapshots = [];
  for await (const snapshot of graph.getStateHistory(configFor(threadId, body.checkpoint), {
    limit: body.limit ?? 10,
    before: before?.checkpoint_id ? configFor(threadId, before) : undefined,
    filter: body.metadata ?? undefined,
  })) {
    snapshots.push(serializeSnapshot(snapshot));
  }
  return snapshots;
}

export function interruptsOf(snapshot: StateSnapshot): Record<string, unknown[]> {
  return Object.fromEntries(snapshot.tasks.filter((t) => t.interrupts.length > 0).map((t) => [t.id, toWire(t.interrupts) as unknown[]]));
}

function checkpointOf(config: RunnableConfig | undefined) {
  const c = config?.configurable ?? {};
  return {
    thread_id: c.thread_id,
    checkpoint_ns: c.checkpoint_ns ?? "",
    checkpoint_id: c.checkpoint_id ?? null,
    checkpoint_map: c.checkpoint_map ?? null,
  };
}

/** A StateSnapshot as the API's ThreadState. */
export function serializeSnapshot(snapshot: StateSnapshot): Record<string, unknown> {
  return {
    values: toWire(snapshot.values),
    next: snapshot.next,
    tasks: snapshot.tasks.map((task) => ({
      id: task.id,
      name: task.name,
      path: task.path,
      error: task.error ? String((task.error as Error).message ?? task.error) : null,
      interrupts: toWire(task.interrupts),
      checkpoint: task.state && "configurable" in task.state ? checkpointOf(task.state as RunnableConfig) : null,
      state: task.state && "values" in task.state ? serializeSnapshot(task.state as StateSnapshot) : null,
      result: task.result === undefined ? null : toWire(task.result),
    })),
    metadata: toWire(snapshot.metadata ?? {}),
    created_at: snapshot.createdAt ?? null,
    checkpoint: checkpointOf(snapshot.config),
    parent_checkpoint: snapshot.parentConfig ? checkpointOf(snapshot.parentConfig) : null,
    interrupts: snapshot.tasks.flatMap((t) => toWire(t.interrupts) as unknown[]),
  };
}

function emptyState(threadId: string) {
  return {
    values: {},
    next: [],
    tasks: [],
    metadata: {},
    created_at: null,
    checkpoint: { thread_id: threadId, checkpoint_ns: "", checkpoint_id: null, checkpoint_map: null },
    parent_checkpoint: null,
    interrupts: [],
  };
}
