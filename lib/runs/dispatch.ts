/**
 * Sending a new run that has just taken its thread to the queue. A send that fails must not leave the thread
 * held by a pending run that never runs: the run is withdrawn (ended, then deleted) and the thread freed, so the
 * client's retry is not refused as busy. A send that failed only as far as the caller can tell (a timeout after
 * SQS took the message) may still reach a worker: the withdrawal is conditional on the run still being pending,
 * and when a worker got it first the run stands.
 */
import { now, type Platform } from "../platform.js";
import type { StoredRun } from "../stores/run-store.js";
import { startMessage } from "./kwargs.js";
import { releaseThread } from "./lifecycle.js";
import { errorMessage, log } from "../log/log.js";

/** True when the run is on its way; false when the send failed and the run was withdrawn (nothing of it is left). */
export async function dispatchNewRun(p: Platform, run: StoredRun): Promise<boolean> {
  try {
    await p.queue.send(startMessage(run));
    return true;
  } catch (err) {
    log.error("run message not sent", { run_id: run.run_id, thread_id: run.thread_id, error: errorMessage(err) });
  }
  try {
    const error = { error: "QueueUnavailable", message: "The run could not be queued" };
    if (!(await p.runs.finish(run.thread_id, run.run_id, "error", now(), { from: ["pending"], error }))) return true; // a worker has it
    await p.runs.delete(run.thread_id, run.run_id);
    await releaseThread(p, run.thread_id, run.run_id);
  } catch (err) {
    // The run's lease runs out and the sweep takes it from there (lib/runs/sweep.ts).
    log.error("withdrawing an unsent run failed", { run_id: run.run_id, error: errorMessage(err) });
  }
  return false;
}
