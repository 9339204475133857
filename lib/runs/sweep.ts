/**
 * The sweep: finds runs whose lease ran out and sets them going again, so no crash leaves a thread held for good.
 * Run by the worker Lambda on the minute tick (functions/worker.ts), and by `npm start` at start and every few
 * seconds (lib/local/start.ts).
 *
 * Every run still to start or finish carries a lease (lib/stores/run-store.ts): a running run's is renewed by its
 * worker; a pending run's is the time by which its message should have reached a worker. The sweep reads only
 * the runs whose lease ran out (index `by_lease`, RUN_LEASE_SHARDS queries) and, for each:
 * - it holds its thread (running: its worker died; pending: its message was lost or is stuck): send its message
 *   again, in a message group of its own (`redispatch`: the dead worker's message blocks the thread's group until
 *   the visibility timeout). The worker claims it — a running run only once its lease ran out — and resumes it
 *   from its last checkpoint; the first message's late redelivery then claims nothing.
 * - it waits in line (pending, the thread held by another run): if that run has finished or was never stored,
 *   hand the thread to the oldest pending run; if the thread is free, promote the oldest pending run; if the
 *   holder is alive, look again later.
 * - its thread is gone, or it is running without holding its thread: end it `error`, with the reason.
 */
import { now, type Platform } from "../platform.js";
import { FINAL_STATUSES, type StoredRun } from "../stores/run-store.js";
import { startMessage } from "./kwargs.js";
import { handOverToNext, promoteNext, UNSTORED_HOLDER_MS } from "./lifecycle.js";
import { errorMessage, log } from "../log/log.js";

/** A pending run waiting behind a live run is looked at again this much later. */
export const WAITING_RECHECK_MS = 5 * 60_000;

export interface SweepOptions {
  /**
   * Every worker of the runs found is known to be gone: `npm start` at start (one process owns the data
   * directory), so every unfinished run is taken up at once, whatever its lease says.
   */
  orphaned?: boolean;
  /** Sweep as at this time (epoch ms; default now): leases that ran out before it are expired. */
  at?: number;
}

export type SweepAction = "redispatched" | "promoted" | "postponed" | "ended" | "none";

export interface SweepReport {
  /** Runs found with an expired lease. */
  found: number;
  redispatched: number;
  promoted: number;
  postponed: number;
  ended: number;
  failed: number;
}

export async function sweepRuns(p: Platform, options: SweepOptions = {}): Promise<SweepReport> {
  const report: SweepReport = { found: 0, redispatched: 0, promoted: 0, postponed: 0, ended: 0, failed: 0 };
  const before = options.orphaned ? Number.MAX_SAFE_INTEGER : (options.at ?? Date.now());
  try {
    for await (const found of p.runs.expired(before)) {
      report.found++;
      try {
        const action = await sweepRun(p, found, options);
        if (action !== "none") report[action]++;
      } catch (err) {
        report.failed++;
        log.error("sweep failed for run", {
          run_id: found.run_id,
          thread_id: found.thread_id,
          error: errorMessage(err),
        });
      }
    }
  } catch (err) {
    if (!isMissingIndex(err)) throw err;
    if (!warnedMissingIndex) log.warn(MISSING_INDEX_MESSAGE);
    warnedMissingIndex = true;
  }
  return report;
}

/** A runs table made by a version without the `by_lease` index: DynamoDB Local and dynalite cannot add an index. */
const MISSING_INDEX_MESSAGE =
  "The runs table has no by_lease index (an earlier version created it): runs whose worker died are not resumed. Under npm start, use a new --data-dir; on AWS, deploy the stack (it adds the index).";
let warnedMissingIndex = false;
const isMissingIndex = (err: unknown) =>
  err instanceof Error && err.name === "ValidationException" && /specified index/i.test(err.message);

async function sweepRun(p: Platform, found: StoredRun, options: SweepOptions): Promise<SweepAction> {
  // The index is eventually consistent, and a worker may have renewed the lease meanwhile: read the run itself.
  const run = await p.runs.get(found.thread_id, found.run_id);
  if (!run || FINAL_STATUSES.has(run.status)) return "none";
  const at = options.at ?? Date.now();
  if (!options.orphaned && (run.lease_until ?? 0) >= at) return "none";
  const thread = await p.threads.get(run.thread_id);
  if (!thread) return end(p, run, "the run's thread was deleted");

  if (thread.active_run === run.run_id) {
    if (run.status === "running" && options.orphaned) await p.runs.expireLease(run.thread_id, run.run_id, run.attempt);
    await p.queue.send({ ...startMessage(run), redispatch: true });
    return "redispatched";
  }
  if (run.status === "running") return end(p, run, "the run no longer holds its thread");

  // Pending, waiting in line.
  if (!thread.active_run) {
    await promoteNext(p, run.thread_id, { redispatch: true });
    return "promoted";
  }
  const holder = await p.runs.get(run.thread_id, thread.active_run);
  const holderGone = holder
    ? FINAL_STATUSES.has(holder.status)
    : options.orphaned || at - Date.parse(thread.updated_at) > UNSTORED_HOLDER_MS;
  if (holderGone) {
    return (await handOverToNext(p, run.thread_id, thread.active_run)) ? "promoted" : "none";
  }
  await p.runs.postpone(run.thread_id, run.run_id, at + WAITING_RECHECK_MS);
  return "postponed";
}

async function end(p: Platform, run: StoredRun, why: string): Promise<SweepAction> {
  const error = { error: "RunAbandoned", message: `Run ${run.run_id} could not continue: ${why}` };
  const ended = await p.runs.finish(run.thread_id, run.run_id, "error", now(), { from: [run.status], error });
  return ended ? "ended" : "none";
}
