/**
 * The protocol events of a thread, for one SSE connection (POST /threads/{id}/stream/events): every run of the
 * thread followed through the event log (followThread), each converted on the fly, filtered by the connection's
 * channels / namespaces / depth.
 *
 * Nothing is kept between requests: a connection starts from stored data alone, so it may land on any Lambda.
 * - With `since`, it replays from the run that seq points into (converted from its first event, so messages and
 *   lifecycles are rebuilt exactly), sending only events with a greater seq.
 * - Without it, it replays from the thread's oldest unfinished run, else its latest run, then follows every
 *   later run. The SDK opens a fresh connection for each new subscription and expects the current run's history
 *   on it (`thread.run.start()` then `thread.values` / `thread.messages`), possibly after that run has already
 *   finished; older, finished runs are left out (the thread's state has them: `state.get`).
 * A run appears on a connection once it has stored its first event; a connection opened before the thread
 * exists waits for its first run.
 *
 * `params.timestamp` is when the event is served, not when it was produced: the event log stores no time per
 * event, so a replayed event carries the time of its replay. (The SDK's StreamController compares timestamps with
 * the checkpoint it hydrated from to skip history; here it re-applies the replayed run over that checkpoint.)
 * On Lambda a connection lasts until the client closes it or the function URL's 15-minute limit ends it (the SDK
 * then reconnects and de-duplicates the replay by event_id); while the thread is idle followThread looks for a
 * new run twice a second.
 */
import type { Platform } from "../platform.js";
import { followThread } from "../services/thread-stream.js";
import { FINAL_STATUSES, type StoredRun } from "../stores/run-store.js";
import type { RunKwargs } from "../stores/run-kwargs.js";
import { answeredInterrupts, RunConverter } from "./convert.js";
import { matchesFilter, positionOf, type EventFilter, type ProtocolEvent } from "./events.js";
import type { EventStreamRequest } from "./schemas.js";

export async function* threadEvents(
  p: Platform,
  threadId: string,
  request: EventStreamRequest,
  signal: AbortSignal,
): AsyncGenerator<ProtocolEvent> {
  const filter: EventFilter = {
    channels: new Set(request.channels),
    namespaces: request.namespaces,
    depth: request.depth,
  };
  const since = request.since ?? undefined;
  const runs = new RunPositions(p, threadId);
  const all = await runs.load();
  let start: StoredRun | undefined = since === undefined ? undefined : all[positionOf(since)];
  start ??= all.find((run) => !FINAL_STATUSES.has(run.status)) ?? all.at(-1);

  let converter: RunConverter | undefined;
  const after = start ? { run_id: start.run_id, id: -1 } : undefined;
  for await (const event of followThread(p, threadId, { after, signal })) {
    if (converter?.runId !== event.run_id) converter = await runs.converter(event.run_id);
    const finalStatus =
      event.event === "end" ? ((await p.runs.get(threadId, event.run_id))?.status ?? null) : undefined;
    for (const protocolEvent of converter.convert(event, finalStatus)) {
      if ((since === undefined || protocolEvent.seq > since) && matchesFilter(filter, protocolEvent))
        yield protocolEvent;
    }
  }
}

/** The converter of one stored run (for agent.getTree and tests). */
export function converterFor(
  run: Pick<StoredRun, "run_id" | "assistant_id"> & { kwargs: Partial<RunKwargs> },
  position: number,
): RunConverter {
  const kwargs = run.kwargs;
  return new RunConverter({
    run_id: run.run_id,
    position,
    graph_id: kwargs.graph_id ?? run.assistant_id,
    stream_mode: kwargs.stream_mode ?? [],
    answers: answeredInterrupts(kwargs.command),
  });
}

/** A thread's runs in creation order, read once, then extended as later runs appear. */
class RunPositions {
  private readonly runs: StoredRun[] = [];

  constructor(
    private readonly p: Platform,
    private readonly threadId: string,
  ) {}

  async load(): Promise<StoredRun[]> {
    this.runs.push(...(await this.p.runs.after(this.threadId, undefined)));
    return this.runs;
  }

  async converter(runId: string): Promise<RunConverter> {
    let position = this.runs.findIndex((run) => run.run_id === runId);
    if (position === -1) {
      this.runs.push(...(await this.p.runs.after(this.threadId, this.runs.at(-1)?.run_id)));
      position = this.runs.findIndex((run) => run.run_id === runId);
    }
    if (position !== -1) return converterFor(this.runs[position], position);
    // Deleted meanwhile (a rollback): numbered after the runs known.
    const fallback = { run_id: runId, assistant_id: "root", kwargs: {} };
    return converterFor((await this.p.runs.get(this.threadId, runId)) ?? fallback, this.runs.length);
  }
}
