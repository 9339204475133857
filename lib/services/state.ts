/** Thread state: read the latest or a given checkpoint, update it, walk its history — through the graph. */
import type { RunnableConfig } from "@langchain/core/runnables";
import { InvalidUpdateError, type StateSnapshot } from "@langchain/langgraph";
import { keyPart } from "../checkpoint/codec.js";
import { HttpError } from "../http/errors.js";
import { now, type Platform } from "../platform.js";
import { toWire } from "../serialization/wire.js";
import { keyFits } from "../stores/limits.js";
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

/**
 * The config that reads `ref`; a checkpoint id or namespace that no checkpoint's sort key could hold (see
 * lib/checkpoint/dynamodb-saver.ts) names no checkpoint: 404.
 */
function configFor(threadId: string, ref?: CheckpointRef | null): RunnableConfig {
  if (ref && !keyFits(threadId, `cp#${keyPart(ref.checkpoint_ns ?? "")}#${keyPart(ref.checkpoint_id ?? "")}`)) {
    throw new HttpError(404, "Checkpoint not found");
  }
  return {
    configurable: {
      thread_id: threadId,
      checkpoint_ns: ref?.checkpoint_ns ?? "",
      ...(ref?.checkpoint_id ? { checkpoint_id: ref.checkpoint_id } : {}),
    },
  };
}

/**
 * 404 unless the thread has the checkpoint `ref` names: from one that is not there, the graph would start over from
 * an empty state (an update would drop the thread's state, a run would forget it).
 */
export async function assertCheckpoint(p: Platform, threadId: string, ref: CheckpointRef): Promise<void> {
  if (!(await p.checkpointer.getTuple(configFor(threadId, ref)))) throw new HttpError(404, "Checkpoint not found");
}

export async function getState(p: Platform, threadId: string, options: { subgraphs?: boolean; checkpoint?: CheckpointRef | null } = {}) {
  const thread = await getThreadOr404(p, threadId);
  const graph = await graphFor(p, thread);
  if (!graph) return emptyState(threadId);
  const snapshot = await graph.getState(configFor(threadId, options.checkpoint), { subgraphs: options.subgraphs });
  // A checkpoint that is not there reads as an empty snapshot (no createdAt) that echoes the id asked for.
  if (options.checkpoint?.checkpoint_id && (!snapshot.createdAt || !snapshot.config.configurable?.checkpoint_id)) {
    throw new HttpError(404, "Checkpoint not found");
  }
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
  if (ref?.checkpoint_id) await assertCheckpoint(p, threadId, ref);
  const config = await graph.updateState(configFor(threadId, ref), body.values ?? null, body.as_node ?? undefined).catch((err: unknown) => {
    throw refusedUpdate(err) ?? err;
  });
  const state = await graph.getState({ configurable: { thread_id: threadId } });
  await p.threads.recordState(threadId, {
    status: state.next.length > 0 ? "interrupted" : "idle",
    values: toWire(state.values) as Record<string, unknown>,
    interrupts: interruptsOf(state),
    now: now(),
  });
  return { checkpoint: checkpointOf(config) };
}

/**
 * What the graph refuses to apply (an update of the wrong shape, a node or subgraph it does not have, messages it
 * cannot read) as the client's error; anything else stays a server error.
 */
function refusedUpdate(err: unknown): HttpError | undefined {
  if (!(err instanceof Error)) return undefined;
  const invalid = (field: string) => new HttpError(422, err.message, { detail: [{ loc: ["body", field], msg: err.message, type: "value_error" }] });
  if (err instanceof InvalidUpdateError) return invalid(/asNode|^(Node|No writers found for node) "/.test(err.message) ? "as_node" : "values");
  if ((err as { lc_error_code?: string }).lc_error_code === "MESSAGE_COERCION_FAILURE") return invalid("values");
  if (/^Subgraph ".*" not found$/.test(err.message)) return new HttpError(404, err.message);
  return undefined;
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
