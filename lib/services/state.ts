/** Thread state: read the latest or a given checkpoint, update it, walk its history — through the graph. */
import type { AuthFilters } from "../auth/custom-auth.js";
import type { RunnableConfig } from "@langchain/core/runnables";
import { Command, InvalidUpdateError, Send } from "@langchain/langgraph";
import { headSk } from "../checkpoint/keys.js";
import { HttpError, invalid } from "../http/errors.js";
import { now, type Platform } from "../platform.js";
import { emptyState, interruptsOf, serializeSnapshot } from "../serialization/snapshot.js";
import { toWire } from "../serialization/wire.js";
import { keyFits } from "../dynamo/limits.js";
import type { Thread } from "../stores/thread-store.js";
import type { CommandBody, Superstep } from "../schemas/threads.js";
import type { z } from "zod";
import { holdThread } from "../runs/lifecycle.js";
import { getAssistant } from "./assistants.js";
import { deleteThread, getThreadOr404, insertThread } from "./threads.js";
import { uuid7 } from "../ids.js";
import type { ThreadCreateBody } from "../schemas/threads.js";

export interface CheckpointRef {
  checkpoint_id?: string | null;
  checkpoint_ns?: string | null;
}

/**
 * The graph that runs on the thread (set by its first run), with the DynamoDB checkpointer attached. A graph
 * factory is called with the config the thread's runs used (see threadGraphConfig).
 */
async function graphFor(p: Platform, thread: Thread, access: "threads.read" | "threads.update" = "threads.read") {
  const graphId = thread.metadata.graph_id;
  if (typeof graphId !== "string" || !p.graphs.has(graphId)) return undefined;
  return p.graphs.get(graphId, { checkpointer: p.checkpointer, access, config: () => threadGraphConfig(p, thread) });
}

/**
 * The config a graph factory builds a thread's graph with, as the official server keeps it on the thread: the
 * thread's own, else its latest run's (the assistant's config under the run's), else its assistant's.
 */
async function threadGraphConfig(p: Platform, thread: Thread): Promise<RunnableConfig> {
  if (Object.keys(thread.config).length > 0) return thread.config as RunnableConfig;
  const latest = await p.runs.latest(thread.thread_id);
  const runConfig = (latest?.kwargs as { config?: RunnableConfig } | undefined)?.config;
  if (runConfig) return runConfig;
  const assistantId = thread.metadata.assistant_id;
  const assistant =
    typeof assistantId === "string" ? await getAssistant(p, assistantId).catch(() => undefined) : undefined;
  return (assistant?.config as RunnableConfig | undefined) ?? {};
}

/**
 * The config that reads `ref`; a checkpoint id or namespace that no checkpoint's sort key could hold (see
 * lib/checkpoint/keys.ts) names no checkpoint: 404.
 */
function configFor(threadId: string, ref?: CheckpointRef | null): RunnableConfig {
  if (ref && !keyFits(threadId, headSk(ref.checkpoint_ns ?? "", ref.checkpoint_id ?? ""))) {
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

export async function getState(
  p: Platform,
  threadId: string,
  options: { subgraphs?: boolean; checkpoint?: CheckpointRef | null } = {},
) {
  const thread = await getThreadOr404(p, threadId);
  const graph = await graphFor(p, thread);
  if (!graph) return emptyState();
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
  const graph = await graphFor(p, thread, "threads.update");
  if (!graph) throw new HttpError(409, "Thread has no graph yet: run it once before updating its state");
  if (thread.active_run) throw new HttpError(409, "Thread is busy"); // the official message (its state changes only between runs)
  const ref = body.checkpoint ?? (body.checkpoint_id ? { checkpoint_id: body.checkpoint_id } : undefined);
  if (ref?.checkpoint_id) await assertCheckpoint(p, threadId, ref);
  // The graph id in configurable lands in the new checkpoint's metadata, as on the official server.
  const target = configFor(threadId, ref);
  target.configurable = { ...target.configurable, graph_id: thread.metadata.graph_id };
  // Written while the thread is held, as a run holds it: a run created meanwhile is refused as busy (or waits in
  // line) rather than starting from the checkpoint before this one, which would fork the history.
  const held = await holdThread(p, threadId, "update", { status: statusBefore(thread) }, async () => {
    const config = await graph
      .updateState(target, body.values ?? null, body.as_node ?? undefined)
      .catch((err: unknown) => {
        throw refusedUpdate(err) ?? err;
      });
    // Read back as a state read is (a factory builds its graph for "threads.read" then, as the official server does).
    const state = await (await graphFor(p, thread))!.getState({ configurable: { thread_id: threadId } });
    const outcome = {
      status: state.next.length > 0 ? ("interrupted" as const) : ("idle" as const),
      values: toWire(state.values) as Record<string, unknown>,
      interrupts: interruptsOf(state),
      now: now(),
    };
    return { result: config, outcome };
  });
  if (held === "missing") throw new HttpError(404, `Thread with ID ${threadId} not found`);
  if (held === "busy") throw new HttpError(409, "Thread is busy");
  return { checkpoint: toWire(held.result.configurable ?? {}) };
}

/**
 * POST /threads: a new thread, with `supersteps` as its starting history (see applySupersteps). Nothing is left
 * behind when they cannot be applied. A thread that exists already (`if_exists: "do_nothing"`) is returned as it is.
 * `threadId`: the id made for it when the body names none.
 */
export async function createThreadWithHistory(
  p: Platform,
  body: ThreadCreateBody,
  auth?: AuthFilters,
  threadId = body.thread_id ?? uuid7(),
): Promise<Thread> {
  const supersteps = body.supersteps ?? [];
  if (supersteps.length === 0) return (await insertThread(p, body, auth, threadId)).thread;
  const graphId = body.metadata?.graph_id;
  if (typeof graphId !== "string") throw new HttpError(400, `Thread ${threadId} has no graph ID`);
  if (!p.graphs.has(graphId)) throw new HttpError(404, `Graph "${graphId}" not found`);
  const { thread, created } = await insertThread(p, body, auth, threadId);
  if (!created) return thread;
  try {
    await applySupersteps(p, thread, supersteps);
  } catch (err) {
    await deleteThread(p, threadId);
    throw err;
  }
  return getThreadOr404(p, threadId);
}

/**
 * Writes a new thread's starting history: each superstep becomes one checkpoint, its updates applied together as
 * written by their `as_node` (a Command's update, goto and resume included), as the official server does with
 * `threads.create({ supersteps })`. The thread must name its graph in `metadata.graph_id` (400 otherwise, 404 for
 * a graph this server does not have); what the graph refuses is a 422 naming the field.
 */
export async function applySupersteps(p: Platform, thread: Thread, supersteps: Superstep[]): Promise<void> {
  const graphId = thread.metadata.graph_id;
  if (typeof graphId !== "string") throw new HttpError(400, `Thread ${thread.thread_id} has no graph ID`);
  const graph = await graphFor(p, thread, "threads.update");
  if (!graph) throw new HttpError(404, `Graph "${graphId}" not found`);
  const config = { configurable: { thread_id: thread.thread_id, checkpoint_ns: "", graph_id: graphId } };
  const steps = supersteps.map((step) => ({
    updates: step.updates.map((u) => ({
      values: u.command != null ? toCommand(u.command) : u.values,
      asNode: u.as_node,
    })),
  }));
  // Held while written, as a state update is (a run on the new thread meanwhile is refused as busy).
  const held = await holdThread(p, thread.thread_id, "supersteps", { status: statusBefore(thread) }, async () => {
    await graph.bulkUpdateState(config, steps).catch((err: unknown) => {
      throw refusedUpdate(err, ["body", "supersteps"]) ?? err;
    });
    const state = await (await graphFor(p, thread))!.getState({ configurable: { thread_id: thread.thread_id } });
    const values = toWire(state.values) as Record<string, unknown>;
    return { result: undefined, outcome: { status: statusBefore(thread), values, now: now() } };
  });
  if (held === "missing") throw new HttpError(404, `Thread with ID ${thread.thread_id} not found`);
  if (held === "busy") throw new HttpError(409, "Thread is busy");
}

/** A Command from its wire form: `goto` entries given as `{node, input}` are Sends. */
function toCommand(command: z.infer<typeof CommandBody>): Command {
  const goto = command.goto == null ? undefined : Array.isArray(command.goto) ? command.goto : [command.goto];
  return new Command({
    goto: goto?.map((target) => (typeof target === "string" ? target : new Send(target.node, target.input))),
    update: command.update,
    resume: command.resume,
  });
}

/**
 * What the graph refuses to apply (an update of the wrong shape, a node or subgraph it does not have, messages it
 * cannot read) as the client's error; anything else stays a server error.
 */
function refusedUpdate(err: unknown, at: string[] = ["body"]): HttpError | undefined {
  if (!(err instanceof Error)) return undefined;
  const invalidField = (field: string) => invalid({ loc: [...at, field], msg: err.message, type: "value_error" });
  if (err instanceof InvalidUpdateError)
    return invalidField(/asNode|^(Node|No writers found for node) "/.test(err.message) ? "as_node" : "values");
  if ((err as { lc_error_code?: string }).lc_error_code === "MESSAGE_COERCION_FAILURE") return invalidField("values");
  if (/^Subgraph ".*" not found$/.test(err.message)) return new HttpError(404, err.message);
  return undefined;
}

export async function getHistory(
  p: Platform,
  threadId: string,
  body: {
    limit?: number | null;
    before?: string | CheckpointRef | null;
    metadata?: Record<string, unknown> | null;
    checkpoint?: CheckpointRef | null;
  },
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

/** What a thread is given back as when a write that held it failed: as it was (busy only with a holder, now gone). */
const statusBefore = (thread: Thread) => (thread.status === "busy" ? "idle" : thread.status);
