/**
 * The worker: executes one run message. The same function serves the in-process queue under `npm start`
 * and the SQS-triggered Lambda on AWS.
 *
 * 1. Claim the run (conditional pending → running): a duplicate delivery claims nothing and runs nothing.
 * 2. Stream the graph with the DynamoDB checkpointer, appending every chunk to the run's event log.
 * 3. Record the outcome: run status, the thread's status/values/interrupts, and free the thread — or hand it
 *    straight to the next pending run (multitask `enqueue`, `interrupt`, `rollback`).
 * 4. Append `end`, so every reader of the stream finishes.
 */
import { Command } from "@langchain/langgraph";
import type { RunnableConfig } from "@langchain/core/runnables";
import { now, type Platform } from "../platform.js";
import { serializeError, toWire } from "../serialization/wire.js";
import type { CancelAction, RunStatus, StoredRun } from "../stores/run-store.js";
import type { ThreadStatus } from "../stores/thread-store.js";
import type { EventWriter } from "../stream/event-log.js";
import { resolveGraphId } from "../services/assistants.js";
import { interruptsOf } from "../services/state.js";
import type { RunMessage } from "./queue.js";
import type { RunKwargs } from "./kwargs.js";
import { streamGraph } from "./stream-graph.js";
import type { CompiledGraph } from "../graphs/registry.js";

export async function executeRun(p: Platform, message: RunMessage): Promise<void> {
  const claimed = await p.runs.claim(message.thread_id, message.run_id, now());
  if (!claimed) {
    await releaseIfAbandoned(p, message);
    return;
  }
  const run = { ...claimed, attempt: claimed.attempt - 1 };
  const writer = await p.events.writer(run.run_id, { fresh: run.attempt === 0 });
  const controller = p.cancels.register(run.run_id);
  const stopWatching = watchForCancel(p, run, controller);
  const kwargs = run.kwargs as unknown as RunKwargs;
  const graphId = resolveGraphId(p, run.assistant_id) ?? run.assistant_id;
  const config = runConfig(run, graphId, kwargs);
  let status: RunStatus = "success";
  let error: { error: string; message: string } | undefined;
  let preRunCheckpointId: string | undefined;
  let graph: CompiledGraph | undefined;
  try {
    writer.append("metadata", { run_id: run.run_id, thread_id: run.thread_id, attempt: run.attempt + 1 });
    preRunCheckpointId = await p.checkpointer.latestCheckpointId(run.thread_id);
    graph = await p.graphs.get(graphId, { checkpointer: p.checkpointer });
    await runGraph(graph, run, kwargs, config, controller.signal, writer);
  } catch (err) {
    if (controller.signal.aborted) {
      status = "interrupted";
    } else {
      status = "error";
      error = serializeError(err);
      writer.append("error", error);
      logError("run failed", run, err);
    }
  } finally {
    stopWatching();
    p.cancels.unregister(run.run_id);
  }

  const cancel = controller.signal.aborted ? (controller.signal.reason as CancelAction) : undefined;
  try {
    if (cancel === "rollback") {
      await p.checkpointer.rollback(run.thread_id, preRunCheckpointId, run.run_id);
      await p.runs.delete(run.thread_id, run.run_id);
    } else {
      await p.runs.finish(run.thread_id, run.run_id, status, now(), { error });
    }
    await finishThread(p, run, graph, status);
  } finally {
    // Readers in this process see `end` at once; the log gets it with the final flush.
    writer.append("end", null);
    const closing = writer.close();
    await promoteNext(p, run.thread_id);
    await closing;
  }
}

async function runGraph(graph: CompiledGraph, run: StoredRun, kwargs: RunKwargs, config: RunnableConfig, signal: AbortSignal, writer: EventWriter): Promise<void> {
  const input = kwargs.command ? new Command(kwargs.command as ConstructorParameters<typeof Command>[0]) : (kwargs.input ?? null);
  const events = streamGraph(graph, input, {
    runId: run.run_id,
    config,
    modes: kwargs.stream_mode ?? ["values"],
    subgraphs: kwargs.stream_subgraphs ?? false,
    signal,
    interruptBefore: kwargs.interrupt_before,
    interruptAfter: kwargs.interrupt_after,
    context: kwargs.context,
  });
  for await (const { event, data } of events) writer.append(event, toWire(data));
}

/**
 * The thread after the run: `error` if the run failed; `interrupted` if the graph stopped with tasks still to
 * run (an interrupt); `busy` when the next pending run takes over; else `idle`. Values and interrupts are
 * copied onto the thread item for thread listings.
 */
async function finishThread(
  p: Platform,
  run: StoredRun,
  graph: CompiledGraph | undefined,
  runStatus: RunStatus,
): Promise<void> {
  let values: Record<string, unknown> | null | undefined;
  let interrupts: Record<string, unknown[]> = {};
  let pending = false;
  if (graph) {
    try {
      const state = await graph.getState({ configurable: { thread_id: run.thread_id } });
      values = (toWire(state.values) as Record<string, unknown>) ?? null;
      pending = state.next.length > 0;
      interrupts = interruptsOf(state);
    } catch (err) {
      logError("reading final state failed", run, err);
    }
  }
  const status: ThreadStatus = runStatus === "error" ? "error" : pending ? "interrupted" : "idle";
  await p.threads.release(run.thread_id, run.run_id, { status, values, interrupts, now: now() });
}

/** Gives a free thread to its oldest pending run and sends that run to the queue. */
export async function promoteNext(p: Platform, threadId: string): Promise<void> {
  const next = await p.runs.nextPending(threadId);
  if (!next) return;
  if ((await p.threads.acquire(threadId, next.run_id, now(), runMetadata(p, next))) === "acquired") {
    await p.queue.send({ run_id: next.run_id, thread_id: threadId });
  }
}

/**
 * A message for a run that is no longer pending: a duplicate (nothing to do), or a run cancelled while it
 * waited in the queue still holding the thread — then free the thread for the next one.
 */
async function releaseIfAbandoned(p: Platform, run: RunMessage): Promise<void> {
  const current = await p.runs.get(run.thread_id, run.run_id);
  if (current && current.status === "running") return;
  const thread = await p.threads.get(run.thread_id);
  if (thread?.active_run !== run.run_id) return;
  await p.threads.release(run.thread_id, run.run_id, { status: "idle", now: now() });
  await promoteNext(p, run.thread_id);
}

/** Polls the run item for a cancel requested by another process (one small read per interval). */
function watchForCancel(p: Platform, run: StoredRun, controller: AbortController): () => void {
  const timer = setInterval(async () => {
    try {
      const current = await p.runs.get(run.thread_id, run.run_id);
      if (current?.cancel && !controller.signal.aborted) controller.abort(current.cancel);
    } catch {
      // A failed poll is retried on the next tick.
    }
  }, p.options.cancelPollMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** What a run records on its thread's metadata when it takes the thread. */
export function runMetadata(p: Platform, run: { assistant_id: string }): Record<string, unknown> {
  return { graph_id: resolveGraphId(p, run.assistant_id) ?? run.assistant_id, assistant_id: run.assistant_id };
}

function runConfig(run: StoredRun, graphId: string, kwargs: RunKwargs): RunnableConfig {
  const config = (kwargs.config ?? {}) as RunnableConfig;
  return {
    ...config,
    configurable: {
      ...config.configurable,
      thread_id: run.thread_id,
      run_id: run.run_id,
      graph_id: graphId,
      assistant_id: run.assistant_id,
    },
    metadata: {
      ...config.metadata,
      ...run.metadata,
      run_id: run.run_id,
      thread_id: run.thread_id,
      graph_id: graphId,
      assistant_id: run.assistant_id,
      run_attempt: run.attempt + 1,
    },
    recursionLimit: (config as { recursion_limit?: number }).recursion_limit ?? config.recursionLimit,
  };
}

function logError(msg: string, run: StoredRun, err: unknown): void {
  console.error(
    JSON.stringify({
      level: "error",
      msg,
      run_id: run.run_id,
      thread_id: run.thread_id,
      error: err instanceof Error ? err.message : String(err),
      stack: err instanceof Error ? err.stack : undefined,
    }),
  );
}
