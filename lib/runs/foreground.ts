/**
 * Foreground runs on AWS: a `runs/stream` or `runs/wait` request whose new run has just taken its thread executes
 * that run inside the API function that holds the client's connection, as `npm start` does, instead of sending it
 * through SQS to the worker function. The stream is then read from this process's memory (no 50 ms flush + 100 ms
 * poll per token, no queue hop or second cold start before the first token), and one function is alive for the
 * run instead of two. Everything else is the worker's: the run is claimed with its lease, its checkpoints and its
 * event log are written (joiners in other functions read them), a cancel reaches it through the run item, and near
 * the invocation's deadline it hands back to the queue; after a crash its lease runs out and the sweep resumes it.
 *
 * ForegroundQueue wraps the SQS queue. Inside a foreground invocation (functions/api.ts, for the stream and wait
 * routes), the first start message sent — the request's own new run — is executed here; every other message (a
 * hand-back, the next run of the thread, a delayed run) goes to SQS. The invocation returns only once the runs it
 * executes have returned: a Lambda is frozen when its handler returns.
 *
 * A new run that will execute here is stored already claimed (claimInForeground, then start): running, attempt 1,
 * with the worker's lease, in the write that creates it. No other process can have it first (no message for it was
 * sent), and the claim's round trip to DynamoDB is off its first token. Being claimed, it is also stored while it
 * takes its thread rather than after (lib/services/runs.ts createRun).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { CheckpointTuple } from "@langchain/langgraph-checkpoint";
import type { StoredRun } from "../stores/run-item.js";
import { startMessage } from "./kwargs.js";
import type { RunMessage, RunQueue } from "./queue.js";
import { errorMessage, log } from "../log/log.js";

export interface ForegroundInvocation {
  /** Milliseconds the API function's invocation has left (context.getRemainingTimeInMillis). */
  remainingMs: () => number;
}

interface InvocationState extends ForegroundInvocation {
  /** Whether this invocation has taken its one foreground run. */
  taken: boolean;
  runs: Promise<unknown>[];
}

const invocations = new AsyncLocalStorage<InvocationState>();

/** Runs `fn` (a stream or wait request) as a foreground invocation; resolves once its foreground run returned too. */
export async function foregroundInvocation<T>(invocation: ForegroundInvocation, fn: () => Promise<T>): Promise<T> {
  const state: InvocationState = { ...invocation, taken: false, runs: [] };
  try {
    return await invocations.run(state, fn);
  } finally {
    await Promise.allSettled(state.runs);
  }
}

export type ExecuteRun = (
  message: RunMessage,
  invocation: ForegroundInvocation & { claimed?: StoredRun; latest?: Promise<CheckpointTuple | undefined> },
) => Promise<unknown>;

/** Whether this process executes foreground runs (the API function on AWS, with them on). */
export function runsInForeground(queue: RunQueue): boolean {
  return queue instanceof ForegroundQueue;
}

/** Whether a new run created now would execute in this invocation (claimInForeground would claim it). */
export function foregroundSlotFree(queue: RunQueue): boolean {
  return queue instanceof ForegroundQueue && queue.slotFree();
}

/**
 * For a new run (pending, about to take its thread) that this invocation will execute: the run as it is to be
 * stored, claimed with a lease of `leaseMs`; `start`, to call once it is stored and holds its thread, with its
 * thread's latest checkpoint if it was read ahead (see createRun); and `release`, to give the invocation's slot back
 * when the run does not start (its thread was not taken). Undefined when the run goes through the queue (not a
 * foreground invocation, or its one run is taken): then store it pending and send it.
 */
export function claimInForeground(
  queue: RunQueue,
  run: StoredRun,
  leaseMs: number,
): { run: StoredRun; start: (latest?: Promise<CheckpointTuple | undefined>) => void; release: () => void } | undefined {
  if (!(queue instanceof ForegroundQueue)) return undefined;
  const state = queue.takeSlot(startMessage(run));
  if (!state) return undefined;
  const claimed: StoredRun = {
    ...run,
    status: "running",
    attempt: 1,
    lease_until: Date.parse(run.created_at) + leaseMs,
  };
  return {
    run: claimed,
    start: (latest) => queue.start(state, startMessage(claimed), claimed, latest),
    release: () => {
      state.taken = false;
    },
  };
}

export class ForegroundQueue implements RunQueue {
  private execute?: ExecuteRun;

  constructor(private readonly queue: RunQueue) {}

  /** How a message is executed here (the worker's executeRun, set once the platform exists). */
  setExecutor(execute: ExecuteRun): void {
    this.execute = execute;
  }

  /** Whether this invocation's one foreground run is still to be taken. */
  slotFree(): boolean {
    const state = invocations.getStore();
    return !!state && !state.taken && !!this.execute;
  }

  /** This invocation's one foreground run, taken for `message` if it is free and the message a new run's start. */
  takeSlot(message: RunMessage): InvocationState | undefined {
    const state = invocations.getStore();
    const fresh = !message.attempt && !message.redispatch && !message.not_before;
    if (!state || state.taken || !fresh || !this.execute) return undefined;
    state.taken = true;
    return state;
  }

  async send(message: RunMessage): Promise<void> {
    const state = this.takeSlot(message);
    if (!state) return this.queue.send(message);
    this.start(state, message);
  }

  /**
   * Executes the run of `message` in this invocation; `claimed`: stored claimed already, `latest`: its thread's latest
   * checkpoint, read ahead (claimInForeground).
   */
  start(
    state: InvocationState,
    message: RunMessage,
    claimed?: StoredRun,
    latest?: Promise<CheckpointTuple | undefined>,
  ): void {
    const execute = this.execute!;
    // Not awaited: the request goes on to stream the run while it executes. A run that fails to start stays pending
    // (or running) with a lease, which runs out: the sweep sends it to the queue (lib/runs/sweep.ts).
    state.runs.push(
      Promise.resolve()
        .then(() => execute(message, { remainingMs: state.remainingMs, claimed, latest }))
        .catch((err: unknown) =>
          log.error("foreground run failed", {
            run_id: message.run_id,
            thread_id: message.thread_id,
            error: errorMessage(err),
          }),
        ),
    );
  }
}
