/**
 * The run lifecycle on a thread: a run takes the thread (or waits in line for it), hands it to the next pending run
 * when it ends, and is cancelled. One thread runs one run at a time: the thread item's `active_run` is the lock,
 * taken and given with conditional writes (lib/stores/thread-store.ts).
 *
 * A leaf: it depends on the stores, the queue and the cancel signals only — never on lib/services (nor on HTTP
 * errors). The services (createRun, deleteThread, the cancel endpoints), the worker, the dispatch of a new run and
 * the sweep all come here.
 */
import { uuid7 } from "../ids.js";
import { now, type Platform } from "../platform.js";
import { FINAL_STATUSES, type CancelAction, type StoredRun } from "../stores/run-store.js";
import type { RunKwargs } from "../stores/run-kwargs.js";
import type { AcquireResult } from "../stores/thread-store.js";
import { startMessage } from "./kwargs.js";
import type { RunMessage } from "./queue.js";

/** What the lifecycle works with: the runs and threads tables, the queue, this process's cancel signals. */
export type Lifecycle = Pick<Platform, "runs" | "threads" | "queue" | "cancels">;

/** A thread held this long by a run that has no item is taken to be left by a crashed request. */
export const UNSTORED_HOLDER_MS = 30_000;

/** What a run records on its thread's metadata when it takes the thread. */
export function runMetadata(run: {
  assistant_id: string;
  kwargs: Pick<RunKwargs, "graph_id">;
}): Record<string, unknown> {
  return { graph_id: run.kwargs.graph_id, assistant_id: run.assistant_id };
}

/**
 * A new run takes its thread at once (multitask strategy "reject"): one conditional write decides. A thread held by a
 * run that has ended, or by one never stored, is taken over (see takeOverStaleLock). `threadConfig` becomes the
 * thread's config. With `unchangedSince`, only a thread not written since (else "changed", and nothing is taken over).
 */
export async function takeThread(
  p: Lifecycle,
  run: StoredRun,
  threadConfig?: Record<string, unknown>,
  unchangedSince?: string,
): Promise<AcquireResult> {
  const metadata = runMetadata(run);
  const taken = await p.threads.acquire(
    run.thread_id,
    run.run_id,
    run.created_at,
    metadata,
    threadConfig,
    unchangedSince,
  );
  if (taken === "busy" && (await takeOverStaleLock(p, run.thread_id, run))) return "acquired";
  return taken;
}

/**
 * A stored pending run takes its thread if it is free (true: the caller sends it to the queue); else it waits in
 * line, and the thread goes to the oldest pending run when its holder ends. The holder may have ended between the
 * run's write and this attempt: then the next pending run is promoted here (promoting is idempotent).
 */
export async function takeThreadOrWait(
  p: Lifecycle,
  run: StoredRun,
  threadConfig?: Record<string, unknown>,
): Promise<boolean> {
  // Marked before the attempt: a holder that frees the thread after the attempt failed sees the mark (promoteNext).
  await p.threads.markWaiting(run.thread_id);
  const taken = await p.threads.acquire(run.thread_id, run.run_id, run.created_at, runMetadata(run), threadConfig);
  if (taken === "acquired") return true;
  const thread = await p.threads.get(run.thread_id);
  if (thread && !thread.active_run) await promoteNext(p, run.thread_id);
  return false;
}

/**
 * A thread held by a run that has finished is taken over at once: its worker records the run's status before it
 * frees the thread, so a client that saw the run end and starts the next one must not be refused (or its worker
 * died in between). A thread held for over UNSTORED_HOLDER_MS by a run that never got stored (its request crashed
 * between the two writes) is taken over too. Both conditionally on that same holder, so two requests cannot both
 * take it. A thread freed since the refused acquire is acquired again.
 */
async function takeOverStaleLock(p: Lifecycle, threadId: string, run: StoredRun): Promise<boolean> {
  const thread = await p.threads.get(threadId);
  if (thread && !thread.active_run)
    return (await p.threads.acquire(threadId, run.run_id, now(), runMetadata(run))) === "acquired";
  if (!thread?.active_run) return false;
  const holder = await p.runs.get(threadId, thread.active_run);
  if (holder ? !FINAL_STATUSES.has(holder.status) : Date.now() - Date.parse(thread.updated_at) < UNSTORED_HOLDER_MS)
    return false;
  return p.threads.handOver(threadId, thread.active_run, run.run_id, now());
}

/**
 * Gives a free thread to its oldest pending run and sends that run to the queue. If the send fails, the run keeps
 * the thread and its lease runs out: the sweep sends it again (lib/runs/sweep.ts).
 *
 * `waitingMarks` (what freeing the thread returned): no run marked that it waits in line, so none is looked for —
 * a run that marks later finds the thread free itself (takeThreadOrWait). Marks are cleared when none is found.
 */
export async function promoteNext(
  p: Lifecycle,
  threadId: string,
  options: { redispatch?: boolean; waitingMarks?: number } = {},
): Promise<void> {
  if (options.waitingMarks === 0) return;
  const next = await p.runs.nextPending(threadId);
  if (!next) {
    if (options.waitingMarks !== undefined) await p.threads.clearWaiting(threadId, options.waitingMarks);
    return;
  }
  if ((await p.threads.acquire(threadId, next.run_id, now(), runMetadata(next))) === "acquired") {
    await p.queue.send({ ...startMessage(next), ...(options.redispatch ? { redispatch: true } : {}) });
  }
}

/**
 * Hands a thread whose holder is gone (ended, or never stored) straight to its oldest pending run, conditionally on
 * that holder, and sends the run again in a message group of its own. True when it did.
 */
export async function handOverToNext(p: Lifecycle, threadId: string, holderId: string): Promise<boolean> {
  const next = await p.runs.nextPending(threadId);
  if (!next || !(await p.threads.handOver(threadId, holderId, next.run_id, now()))) return false;
  await p.queue.send({ ...startMessage(next), redispatch: true });
  return true;
}

/** How a thread is given back by what held it: its status, and the values and interrupts to record, if any. */
export type ThreadOutcome = Parameters<Lifecycle["threads"]["release"]>[2];

/**
 * Writes a thread's state outside a run (a state update, a prune, a new thread's starting history) while holding the
 * thread as a run holds it: `active_run` is a lock named `<kind>:<id>`, so no run takes the thread meanwhile (a new
 * one is refused as busy, or waits in line). Then the thread is given back with the outcome `write` returns (with
 * `otherwise`, its status before, when it throws), and the next run waiting for it is promoted. "busy" or "missing" when the thread could
 * not be held: nothing is written then. A process that dies while holding it leaves a lock no stored run has, which
 * the next run takes over (takeThread).
 */
export async function holdThread<T>(
  p: Lifecycle,
  threadId: string,
  kind: string,
  otherwise: Omit<ThreadOutcome, "now">,
  write: () => Promise<{ result: T; outcome: ThreadOutcome }>,
): Promise<{ result: T } | "busy" | "missing"> {
  const lock = `${kind}:${uuid7()}`;
  const taken = await p.threads.acquire(threadId, lock, now());
  if (taken === "missing") return "missing";
  if (taken !== "acquired") return "busy";
  const giveBack = async (outcome: ThreadOutcome) => {
    const released = await p.threads.release(threadId, lock, outcome);
    if (released) await promoteNext(p, threadId, { waitingMarks: released.waitingMarks });
  };
  let done: { result: T; outcome: ThreadOutcome };
  try {
    done = await write();
  } catch (err) {
    await giveBack({ ...otherwise, now: now() }).catch(() => undefined); // else the next run takes the lock over
    throw err;
  }
  await giveBack(done.outcome);
  return { result: done.result };
}

/** Frees the thread `runId` holds (idle) and hands it to the next pending run. False when `runId` did not hold it. */
export async function releaseThread(p: Lifecycle, threadId: string, runId: string): Promise<boolean> {
  if (!(await p.threads.release(threadId, runId, { status: "idle", now: now() }))) return false;
  await promoteNext(p, threadId);
  return true;
}

/**
 * A message for a run that could not be claimed: a duplicate (nothing to do), a live worker has it, or it was
 * cancelled while it waited in the queue still holding the thread — then free the thread for the next one.
 */
export async function releaseIfAbandoned(p: Lifecycle, message: RunMessage): Promise<void> {
  const current = await p.runs.get(message.thread_id, message.run_id);
  if (current && (current.status === "running" || current.status === "pending")) return;
  const thread = await p.threads.get(message.thread_id);
  if (thread?.active_run !== message.run_id) return;
  await p.threads.release(message.thread_id, message.run_id, { status: "idle", now: now() });
  await promoteNext(p, message.thread_id);
}

/**
 * Stops a run. A pending run is finished at once (`interrupted`, or deleted for `rollback`); a running one is
 * asked to stop — at once if it executes in this process, else at its next cancel poll.
 * Returns false when the run has already finished.
 */
export async function cancelRun(p: Lifecycle, run: StoredRun, action: CancelAction): Promise<boolean> {
  if (run.status === "pending") {
    if (await p.runs.finish(run.thread_id, run.run_id, "interrupted", now(), { from: ["pending"] })) {
      if (action === "rollback") await p.runs.delete(run.thread_id, run.run_id);
      // It frees the thread it held at once, not when its (delayed) queue message comes: a join then sees it idle.
      await releaseIfAbandoned(p, run);
      return true;
    }
    run = (await p.runs.get(run.thread_id, run.run_id)) ?? run;
  }
  if (!(await p.runs.requestCancel(run.thread_id, run.run_id, action, now()))) return false;
  p.cancels.abort(run.run_id, action);
  return true;
}
