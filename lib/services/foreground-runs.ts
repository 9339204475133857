/**
 * Starting a foreground run (lib/runs/foreground.ts: a `runs/stream` or `runs/wait` request on AWS that executes its
 * own new run) once createRun (lib/services/runs.ts) has built it: one round trip to DynamoDB before its graph starts,
 * where a queued run makes two or three.
 *
 * Sent together: the conditional write that takes the thread, the write that stores the run (already claimed), the
 * read of the thread's latest checkpoint (which the graph reads first) when no run can have written one unseen and
 * this process does not know it already (knownLatest), and the assistant read again when the run was built from this
 * process's copy of it. The take still decides alone: a
 * run not given its thread is deleted before the 409/404 is answered, and its foreground slot given back. Meanwhile no
 * message for the run exists, so nothing acts on it; after a crash in between, the sweep ends it, as any running run
 * that does not hold its thread. A run whose assistant changed meanwhile gives its thread back and is created again
 * from what is stored. No TransactWriteItems: dynalite has none, and two single-item writes sent together cost one
 * round trip at normal write units.
 */
import { now, type Platform } from "../platform.js";
import type { claimInForeground } from "../runs/foreground.js";
import { takeThread } from "../runs/lifecycle.js";
import type { StoredRun } from "../stores/run-store.js";
import type { Thread } from "../stores/thread-item.js";
import type { AcquireResult } from "../stores/thread-store.js";
import type { Assistant } from "../stores/assistant-store.js";
import { errorMessage, log } from "../log/log.js";

/** A run createRun built, and how it answers each way the start can go. */
export interface ForegroundStart {
  run: StoredRun;
  /** The thread's config once the run takes it. */
  threadConfig: Record<string, unknown>;
  /** The thread as this process last saw it, when the take is conditional on that (else on the thread being free). */
  seen?: Thread;
  /** The thread as this process remembered it (RecentThreads), if the run was built from that. */
  recent?: Thread;
  /** A stateless run: its thread is its own, just created. */
  stateless: boolean;
  /** The assistant the run was built from, and its read again when that was this process's copy. */
  assistant: Assistant;
  check?: Promise<Assistant>;
  /** The answer for a run not given its thread (a retry for "changed", else 404 or 409). */
  refused(taken: Exclude<AcquireResult, "acquired">): Promise<StoredRun>;
  /** The answer when the run could not be stored: its thread given back, the error thrown. */
  unstored(err: unknown): Promise<never>;
  /** The run created again from what is stored (its assistant and thread read first). */
  retry(): Promise<StoredRun>;
}

export type ForegroundClaim = NonNullable<ReturnType<typeof claimInForeground>>;

export async function startForegroundRun(
  p: Platform,
  start: ForegroundStart,
  foreground: ForegroundClaim,
): Promise<StoredRun> {
  const { run, seen, check, assistant } = start;
  const threadId = run.thread_id;
  const stored = p.runs.create(foreground.run).then(
    () => true as const,
    (err: unknown) => ({ err }),
  );
  // The latest checkpoint is read ahead only where no run can write one unseen before the take: the take is
  // conditional on the thread as read (a run taking it since would have changed it), or the thread is this stateless
  // run's own. Else it is read once the thread is taken.
  const readLatest = () =>
    fromCheckpoint(run)
      ? undefined
      : p.checkpointer.getTuple({ configurable: { thread_id: threadId, checkpoint_ns: "" } });
  let latest = seen || start.stateless ? (knownLatest(p, start) ?? readLatest()) : undefined;
  latest?.catch(() => undefined); // a failed read ahead is read again by the graph (DynamoDBSaver.withReadAhead)
  // Not taken (or the take failed): the run never starts, and its item goes before the answer.
  const withdraw = async () => {
    foreground.release();
    if ((await stored) !== true) return;
    await p.runs.delete(threadId, run.run_id).catch((err: unknown) =>
      // Its lease runs out and the sweep ends it (it does not hold its thread).
      log.error("deleting a refused run failed", { run_id: run.run_id, thread_id: threadId, error: errorMessage(err) }),
    );
  };
  // Whether the assistant read back (if it was read again) is not the one the run was built from.
  const assistantChanged = async () =>
    check !== undefined && JSON.stringify(await check.catch(() => undefined)) !== JSON.stringify(assistant);
  const taken = await takeThread(p, run, start.threadConfig, seen?.updated_at).catch(async (err: unknown) => {
    await withdraw();
    throw err;
  });
  if (taken !== "acquired") {
    await withdraw();
    // An assistant gone meanwhile is answered first (404), as when it is read first.
    return (await assistantChanged()) ? start.retry() : start.refused(taken);
  }
  latest ??= readLatest();
  latest?.catch(() => undefined);
  const result = await stored;
  if (result !== true) return start.unstored(result.err);
  if (await assistantChanged()) {
    // Its assistant changed (or went) since this process read it: the thread is given back as it was, and the run
    // withdrawn and created again from the stored assistant and thread (a 404 now if the assistant is gone).
    const recent = start.recent;
    const status = recent?.status === "busy" || !recent ? "idle" : recent.status; // busy: its holder had ended
    await p.threads.release(threadId, run.run_id, { status, now: now() });
    await withdraw();
    return start.retry();
  }
  foreground.start(latest);
  return run;
}

/**
 * The thread's latest checkpoint without a read, where this process knows it as of the take: a stateless run's
 * thread is new (none); else the one this process remembered for the thread's `updated_at` the take is conditional
 * on (when its last run here ended, or it created the thread: lib/runs/worker.ts, lib/services/threads.ts). No
 * checkpoint of a thread is written without its thread item changing (runs, state updates and the prune hold it).
 */
function knownLatest(p: Platform, { run, seen, stateless }: ForegroundStart) {
  if (fromCheckpoint(run)) return undefined;
  if (stateless) return Promise.resolve(undefined);
  return seen && p.checkpointer.knownLatest(run.thread_id, seen.updated_at);
}

/** The checkpoint a run starts from, when it names one (else its thread's latest). */
const fromCheckpoint = (run: StoredRun): string | undefined =>
  run.kwargs.checkpoint_id ??
  (run.kwargs.config?.configurable as { checkpoint_id?: string } | undefined)?.checkpoint_id;
