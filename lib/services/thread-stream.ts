/**
 * Every run of a thread as one stream: each run's stored events in turn, runs in creation order (their ids are
 * UUIDv7), read from the runs table and the event log — so any process can serve it, and a reader can resume
 * from any position. Used by GET /threads/{id}/stream and by the thread-centric protocol's event stream.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Platform } from "../platform.js";
import { followRun } from "./runs.js";
import type { StoredRun } from "../stores/run-store.js";
import { clientEventData } from "../serialization/checkpoint-payloads.js";

/** One stored event of one run (`id` is the run's own event id: `metadata` is 0, `end` is its last). */
export interface ThreadStreamEvent {
  run_id: string;
  id: number;
  event: string;
  data: unknown;
}

/** A position in a thread's stream: just after event `id` of run `run_id` (-1: before its first event). */
export interface ThreadPosition {
  run_id: string;
  id: number;
}

/**
 * With `after`, continues right after that event (then every later run); with `from: "start"`, from the thread's
 * first run; else from the thread's oldest unfinished run, or — when none is — from the next run created.
 * Ends only when `signal` aborts or the thread is deleted.
 */
export async function* followThread(
  p: Platform,
  threadId: string,
  options: { after?: ThreadPosition; from?: "start"; signal: AbortSignal },
): AsyncGenerator<ThreadStreamEvent> {
  const queue: { run: StoredRun; afterId: number }[] = [];
  let lastRunId: string | undefined;
  if (options.after) {
    lastRunId = options.after.run_id;
    const run = await p.runs.get(threadId, options.after.run_id);
    if (run) queue.push({ run, afterId: options.after.id });
  } else if (options.from !== "start") {
    const oldestUnfinished = (await p.runs.unfinished(threadId))[0];
    if (oldestUnfinished)
      queue.push(
        ...(await p.runs.after(threadId, oldestUnfinished.run_id, { inclusive: true })).map((run) => ({
          run,
          afterId: -1,
        })),
      );
    else lastRunId = (await p.runs.latest(threadId))?.run_id;
  }

  let idlePolls = 0;
  while (!options.signal.aborted) {
    const next = queue.shift();
    if (next) {
      idlePolls = 0;
      lastRunId = next.run.run_id;
      for await (const event of followRun(p, next.run, next.afterId, options.signal))
        yield { run_id: next.run.run_id, ...event };
      continue;
    }
    const newer = await p.runs.after(threadId, lastRunId);
    if (newer.length > 0) {
      queue.push(...newer.map((run) => ({ run, afterId: -1 })));
      continue;
    }
    // Quiet: look for a new run twice a second (one Query each), and every 4th look whether the thread still exists.
    if (++idlePolls % 4 === 0 && !(await p.threads.get(threadId))) return;
    // An abort ends the wait at once (and the loop).
    await sleep(Math.max(p.options.eventPollMs, 500), undefined, { signal: options.signal }).catch(() => undefined);
  }
}

export type ThreadStreamMode = "run_modes" | "lifecycle" | "state_update";

/**
 * What GET /threads/{id}/stream sends for one stored event under `modes`: `run_modes` — every event of every run,
 * each run's `end` becoming `run_done` ({run_id, thread_id, status}); `lifecycle` — only each run's start
 * (`metadata`) and `run_done`; `state_update` — only `values`. Undefined when the event is filtered out.
 */
export async function threadStreamPart(
  p: Platform,
  threadId: string,
  event: ThreadStreamEvent,
  modes: ReadonlySet<ThreadStreamMode>,
): Promise<{ event: string; data: unknown } | undefined> {
  if (event.event === "end") {
    if (!modes.has("run_modes") && !modes.has("lifecycle")) return undefined;
    const run = await p.runs.get(threadId, event.run_id);
    return {
      event: "run_done",
      data: { run_id: event.run_id, thread_id: threadId, status: run?.status ?? "interrupted" },
    }; // a rolled-back run is deleted as it ends
  }
  const wanted =
    modes.has("run_modes") ||
    (event.event === "metadata" && modes.has("lifecycle")) ||
    (event.event === "values" && modes.has("state_update"));
  return wanted ? { event: event.event, data: clientEventData(event.event, event.data) } : undefined;
}
