/**
 * The worker: executes one run message. The same function serves the in-process queue under `npm start`
 * and the SQS-triggered Lambda on AWS.
 *
 * 1. Claim the run with a conditional write: pending → running, or a running run whose lease ran out (its
 *    worker died). A duplicate delivery claims nothing and runs nothing. The claim is a lease the worker renews.
 *    (A foreground run on AWS was stored claimed by the request that executes it: lib/runs/foreground.ts.)
 * 2. Stream the graph with the DynamoDB checkpointer, appending every chunk to the run's event log. A resumed
 *    attempt (after a hand-back or a crash) continues from the run's last checkpoint, and the stream continues
 *    with the next event id. A protocol run's graph stream transformers see the events as they are appended, and
 *    what they send is appended too (lib/runs/transformers.ts).
 * 3. Near the invocation's deadline, stop at a step boundary and hand the run back to the queue (the thread
 *    stays held, the stream stays open) — another invocation picks it up from the checkpoint.
 * 4. Otherwise record the outcome — run status, the thread's status/values/interrupts — free the thread, hand
 *    it to the next pending run, and append `end`, so every reader of the stream finishes.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { createRequire } from "node:module";
import { Command } from "@langchain/langgraph";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { CheckpointTuple } from "@langchain/langgraph-checkpoint";
import type { CompiledGraph } from "../graphs/registry.js";
import { now, type Platform } from "../platform.js";
import { interruptsOf } from "../serialization/snapshot.js";
import { serializeError, toWire } from "../serialization/wire.js";
import { publicRun, type CancelAction, type RunStatus, type StoredRun } from "../stores/run-store.js";
import type { Released, ThreadStatus } from "../stores/thread-store.js";
import type { EventWriter } from "../stream/event-log.js";
import type { RunKwargs } from "../stores/run-kwargs.js";
import { promoteNext, releaseIfAbandoned } from "./lifecycle.js";
import { runsInForeground } from "./foreground.js";
import { sendWebhook } from "./webhook.js";
import type { RunMessage } from "./queue.js";
import { streamGraph } from "./stream-graph.js";
import { RunTransformers, type TransformerEvent } from "./transformers.js";
import { poolRandomValues } from "./random-pool.js";
import { errorFields, log } from "../log/log.js";

// Graphs run in this process: the ids LangChain makes for them take their random bytes from a pool.
poolRandomValues();

/** Why a worker stopped its graph early: a cancel request, a hand-back near the deadline, or a lost lease. */
type StopReason = CancelAction | "handback" | "lost";

export interface Invocation {
  /** Milliseconds this invocation has left (Lambda's context.getRemainingTimeInMillis). */
  remainingMs?: () => number;
  /** The run, when its creator stored it already claimed for this invocation (lib/runs/foreground.ts). */
  claimed?: StoredRun;
  /** Its thread's latest checkpoint, read ahead by its creator (lib/runs/foreground.ts). */
  latest?: Promise<CheckpointTuple | undefined>;
}

export type Outcome = "finished" | "handed-back" | "skipped";

/**
 * The events of a run whose thread is deleted when it ends (a stateless run, `on_completion: "delete"`) outlive it
 * by this long, for clients still reading its stream; then DynamoDB TTL removes them.
 */
export const DELETED_THREAD_EVENTS_TTL_SECONDS = 24 * 60 * 60;

export async function executeRun(p: Platform, message: RunMessage, invocation: Invocation = {}): Promise<Outcome> {
  // after_seconds: wait here (a cancel meanwhile finishes the pending run, so the claim below then fails).
  if (message.not_before && message.not_before > Date.now()) await sleep(message.not_before - Date.now());
  const claimed =
    invocation.claimed ?? (await p.runs.claim(message.thread_id, message.run_id, now(), p.options.leaseMs));
  if (!claimed) {
    await releaseIfAbandoned(p, message);
    return "skipped";
  }
  const run = claimed;
  const resumed = run.attempt > 1;
  const kwargs = run.kwargs;
  const graphId = kwargs.graph_id;
  const config = runConfig(run, graphId, kwargs);
  const writer = await p.events.writer(run.run_id, {
    fresh: !resumed,
    ttlSeconds: kwargs.on_completion === "delete" ? DELETED_THREAD_EVENTS_TTL_SECONDS : undefined,
  });
  const startedAt = now();
  const controller = p.cancels.register(run.run_id);
  const stopWatching = watch(p, run, controller, invocation);
  let status: RunStatus = "success";
  let error: { error: string; message: string } | undefined;
  let graph: CompiledGraph | undefined;
  // The run's last word — the graph's interrupt chunks (`{__interrupt__: [...]}` in updates/values) and `error` — is
  // held back until the thread is released: clients act on it at once (RemoteGraph throws GraphInterrupt and resumes
  // with a Command, or throws RemoteException and retries), so by then the thread must be free (not busy → 409)
  // and hold its final status and interrupts.
  const held: TransformerEvent[] = [];
  const appendHeld = () => {
    for (const [event, data] of held.splice(0)) writer.append(event, data);
  };
  // A protocol run's stream transformers see each event as it is stored; what they send is stored before it.
  let transformers: RunTransformers | undefined;
  const sent = (event: string, data: unknown): TransformerEvent[] => [
    ...(transformers?.before({ id: writer.nextId, event, data }) ?? []).map(asStored),
    [event, data],
  ];
  const append = (event: string, data: unknown) => {
    for (const [e, d] of sent(event, data)) writer.append(e, d);
  };
  const hold = (event: string, data: unknown) => held.push(...sent(event, data));
  // The run's checkpoint writes are stored once per superstep (lib/checkpoint/write-behind.ts), the rest below.
  p.checkpointer.openRun(run.run_id);
  try {
    const metadata = { run_id: run.run_id, attempt: run.attempt };
    const first = resumed ? undefined : { id: writer.append("metadata", metadata), event: "metadata", data: metadata };
    graph = await p.graphs.get(graphId, {
      checkpointer: invocation.latest ? p.checkpointer.withReadAhead(run.thread_id, invocation.latest) : p.checkpointer,
      store: p.store,
      config,
      access: "threads.create_run",
      context: kwargs.context,
    });
    if (kwargs.protocol) transformers = RunTransformers.of(graph, { ...kwargs, run_id: run.run_id });
    // They start from what is stored: this attempt's `metadata`, or everything an earlier attempt stored.
    if (transformers) transformers.replay(first ? [first] : await p.events.read(run.run_id, -1));
    const continuing = resumed && (await startedBefore(p, run));
    const input = continuing ? null : inputOf(kwargs);
    const events = streamGraph(graph, input, {
      runId: run.run_id,
      config,
      modes: kwargs.stream_mode ?? ["values"],
      subgraphs: kwargs.stream_subgraphs ?? false,
      signal: controller.signal,
      interruptBefore: kwargs.interrupt_before,
      interruptAfter: kwargs.interrupt_after,
      context: kwargs.context,
      onStep: () => {
        if (invocation.remainingMs && invocation.remainingMs() < p.options.handBackAtStepMs)
          controller.abort("handback");
      },
    });
    // A graph resumed from a checkpoint first re-emits the state it restored: readers already have it.
    let skipRestoredValues = continuing;
    for await (const { event, data } of events) {
      if (skipRestoredValues && event === "values") {
        skipRestoredValues = false;
        continue;
      }
      if (isInterruptChunk(data)) hold(event, toWire(data));
      else append(event, toWire(data));
      writer.throwIfFailed(); // the run's events could not be stored: the run ends `error` with that message
      transformers?.throwIfFailed(); // a transformer threw: the run ends `error` with it, as officially
    }
    // The run's last word: its transformers' final values, after its interrupts (the events held back).
    if (transformers) held.push(...(await transformers.finish(writer.nextId + held.length)).map(asStored));
  } catch (err) {
    transformers?.fail(err);
    if (controller.signal.aborted) {
      status = "interrupted";
    } else {
      status = "error";
      error = serializeError(err);
      hold("error", error);
      logError("run failed", run, err);
    }
  } finally {
    stopWatching();
    p.cancels.unregister(run.run_id);
  }

  const stop = controller.signal.aborted ? (controller.signal.reason as StopReason) : undefined;
  if (stop !== undefined) p.checkpointer.forgetRun(run.run_id);
  if (stop === "handback" || stop === "lost") {
    await p.checkpointer.settle(run.run_id);
    appendHeld();
    if (stop === "handback" && (await p.runs.handBack(run.thread_id, run.run_id, run.attempt, now()))) {
      await writer.detach();
      await p.queue.send({ run_id: run.run_id, thread_id: run.thread_id, attempt: run.attempt });
      return "handed-back";
    }
    await writer.detach(); // lost: another worker owns the run now
    return "skipped";
  }

  if (stop !== "rollback") {
    try {
      // Every checkpoint write of the run is stored before its outcome is: readers that see it end find its state.
      await p.checkpointer.closeRun(run.run_id);
    } catch (err) {
      if (status !== "error") {
        status = "error";
        error = serializeError(err);
        hold("error", error);
      }
      logError("storing the run's checkpoints failed", run, err);
    }
  }
  const endedAt = now();
  let released: Released | false | undefined;
  let latest: CheckpointTuple | undefined;
  try {
    if (stop === "rollback") {
      await p.checkpointer.rollback(run.thread_id, run.run_id);
      await p.runs.delete(run.thread_id, run.run_id);
    } else {
      await p.runs.finish(run.thread_id, run.run_id, status, now(), { error, attempt: run.attempt });
    }
    // The final state is read as a state read is (a factory builds the graph for "threads.read", as officially),
    // but the checkpoint the run put last is not read back from the table: the saver still holds it.
    latest = stop === undefined ? await p.checkpointer.lastOfRun(run.run_id) : undefined;
    const checkpointer = latest ? p.checkpointer.withLatest(latest) : p.checkpointer;
    const reader =
      graph && (() => p.graphs.get(graphId, { checkpointer, store: p.store, config, access: "threads.read" }));
    released = await finishThread(p, run, reader, status);
  } finally {
    appendHeld();
    // Readers in this process see `end` at once; the log gets it with the final flush.
    writer.append("end", null);
    const closing = writer.close();
    // Pending runs are looked for only when one marked that it waits (or when the thread was not freed here).
    await promoteNext(p, run.thread_id, released ? { waitingMarks: released.waitingMarks } : {});
    await closing;
  }
  // The thread's next foreground run in this process (the conversation's next message) starts from this checkpoint
  // without reading it back, if the thread is still as this release left it (lib/services/foreground-runs.ts).
  if (released && latest && kwargs.on_completion !== "delete" && runsInForeground(p.queue))
    await p.checkpointer.rememberLatest(run.thread_id, released.updatedAt, latest);
  await afterRun(p, run, kwargs, { run_started_at: startedAt, run_ended_at: endedAt, error: error?.message });
  return "finished";
}

const asStored = ([event, data]: TransformerEvent): TransformerEvent => [event, toWire(data)];

const isInterruptChunk = (data: unknown) => typeof data === "object" && data !== null && "__interrupt__" in data;

/**
 * The webhook, then (for a stateless run) the temporary thread's deletion. The payload is the official server's:
 * the run, when this attempt started and ended, the thread's values, and the error's message for a failed run.
 */
async function afterRun(
  p: Platform,
  run: StoredRun,
  kwargs: RunKwargs,
  outcome: { run_started_at: string; run_ended_at: string; error?: string },
): Promise<void> {
  if (kwargs.webhook) {
    const finished = await p.runs.get(run.thread_id, run.run_id);
    const thread = await p.threads.get(run.thread_id);
    const payload = {
      ...(finished ? publicRun(finished) : { run_id: run.run_id, thread_id: run.thread_id }),
      run_started_at: outcome.run_started_at,
      run_ended_at: outcome.run_ended_at,
      webhook_sent_at: now(),
      values: thread?.values ?? null,
      ...(outcome.error !== undefined ? { error: outcome.error } : {}),
    };
    const result = await sendWebhook(
      kwargs.webhook,
      payload,
      {
        allowPrivate: p.options.webhookAllowPrivate,
        timeoutMs: p.options.webhookTimeoutMs,
        attempts: p.options.webhookAttempts,
      },
      { base: kwargs.webhook_base },
    );
    if (!result.ok) logError("webhook failed", run, new Error(result.error ?? `HTTP ${result.status}`));
  }
  if (kwargs.on_completion === "delete") {
    // Its events stay until they expire (DELETED_THREAD_EVENTS_TTL_SECONDS): a client may still be reading them.
    await p.threads.delete(run.thread_id);
    await p.runs.deleteAll(run.thread_id);
    await p.checkpointer.deleteThread(run.thread_id);
  }
}

function inputOf(kwargs: RunKwargs): unknown {
  return kwargs.command
    ? new Command(kwargs.command as ConstructorParameters<typeof Command>[0])
    : (kwargs.input ?? null);
}

/** Whether an earlier attempt of the run got as far as checkpointing (then the graph resumes from there). */
async function startedBefore(p: Platform, run: StoredRun): Promise<boolean> {
  const latest = await p.checkpointer.getTuple({ configurable: { thread_id: run.thread_id, checkpoint_ns: "" } });
  return (latest?.metadata as { run_id?: string } | undefined)?.run_id === run.run_id;
}

/**
 * The thread after the run: `error` if the run failed; `interrupted` if the graph stopped with tasks still to
 * run (an interrupt); else `idle`. Values and interrupts are copied onto the thread item for listings.
 */
async function finishThread(
  p: Platform,
  run: StoredRun,
  reader: (() => Promise<CompiledGraph>) | undefined,
  runStatus: RunStatus,
): Promise<Released | false> {
  // A cancelled run leaves the thread idle, with no values or interrupts recorded (as the official server does).
  if (runStatus === "interrupted") {
    return p.threads.release(run.thread_id, run.run_id, { status: "idle", values: null, interrupts: {}, now: now() });
  }
  let values: Record<string, unknown> | null | undefined;
  let interrupts: Record<string, unknown[]> = {};
  let pending = false;
  if (reader) {
    try {
      const state = await (await reader()).getState({ configurable: { thread_id: run.thread_id } });
      values = (toWire(state.values) as Record<string, unknown>) ?? null;
      pending = state.next.length > 0;
      interrupts = interruptsOf(state);
    } catch (err) {
      logError("reading final state failed", run, err);
    }
  }
  const status: ThreadStatus = runStatus === "error" ? "error" : pending ? "interrupted" : "idle";
  return p.threads.release(run.thread_id, run.run_id, { status, values, interrupts, now: now() });
}

/**
 * While the graph runs: read the run item for a cancel from another process, renew the lease (a worker that
 * lost it stops), and hand back mid-step if the invocation is about to end.
 */
function watch(p: Platform, run: StoredRun, controller: AbortController, invocation: Invocation): () => void {
  let leaseUntil = run.lease_until ?? Date.now() + p.options.leaseMs;
  let busy = false;
  const timer = setInterval(
    async () => {
      if (busy || controller.signal.aborted) return;
      busy = true;
      try {
        if (invocation.remainingMs && invocation.remainingMs() < p.options.handBackNowMs) {
          controller.abort("handback");
          return;
        }
        const cancel = await p.runs.cancelOf(run.thread_id, run.run_id);
        if (cancel && !controller.signal.aborted) controller.abort(cancel);
        if (leaseUntil - Date.now() < (p.options.leaseMs * 2) / 3) {
          const next = Date.now() + p.options.leaseMs;
          if (await p.runs.renewLease(run.thread_id, run.run_id, run.attempt, next)) leaseUntil = next;
          else if (!controller.signal.aborted) controller.abort("lost");
        }
      } catch {
        // A failed read or renewal is retried on the next tick.
      } finally {
        busy = false;
      }
    },
    Math.min(p.options.cancelPollMs, p.options.leaseMs / 3),
  );
  timer.unref();
  return () => clearInterval(timer);
}

/** What the official server tells graphs (and tracing) about itself in every run's metadata. */
const SERVER_METADATA = {
  langgraph_version: langgraphVersion(),
  langgraph_plan: "developer",
  langgraph_host: "self-hosted",
};

function langgraphVersion(): string {
  try {
    return (createRequire(import.meta.url)("@langchain/langgraph/package.json") as { version: string }).version;
  } catch {
    return "0.0.0"; // in a Lambda bundle there is no package.json to read (the official server says the same)
  }
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
      run_attempt: run.attempt,
      ...SERVER_METADATA,
    },
    recursionLimit: (config as { recursion_limit?: number }).recursion_limit ?? config.recursionLimit,
  };
}

function logError(msg: string, run: StoredRun, err: unknown): void {
  log.error(msg, { run_id: run.run_id, thread_id: run.thread_id, ...errorFields(err) });
}
