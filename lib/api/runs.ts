/** Run endpoints: create (background, streamed, waited; on a thread or stateless; batches), list, get, delete, cancel, join, join-stream. */
import { HttpError } from "../http/errors.js";
import { log } from "../log/log.js";
import { json } from "../http/json.js";
import { keepAliveJson } from "../http/keep-alive-json.js";
import type { Input, Params } from "../http/route.js";
import { formatSseEvent, sseResponse, type SseEvent } from "../http/sse.js";
import type { Platform } from "../platform.js";
import { runRequestOf } from "../runs/kwargs.js";
import { cancelRun } from "../runs/lifecycle.js";
import { streamModeOf } from "../runs/stream-graph.js";
import { clientEventData } from "../serialization/checkpoint-payloads.js";
import type {
  CancelManyBody,
  CancelQuery,
  JoinStreamQuery,
  RunBatchBody,
  RunCreateBody,
  RunListQuery,
} from "../schemas/runs.js";
import {
  CANCEL_WAIT_POLL_MS,
  createRun,
  createStatelessRun,
  deleteRun as deleteRunService,
  followRun,
  getRunOr404,
  waitForRun,
} from "../services/runs.js";
import { getState } from "../services/state.js";
import { getThreadOr404 } from "../services/threads.js";
import { FINAL_STATUSES, publicRun, type StoredRun } from "../stores/run-store.js";
import { authorize, authorizeThread } from "../auth/guard.js";
import { authorizeRun } from "../auth/run-auth.js";
import { matchesAuthFilters } from "../auth/filters.js";

const runNotFound = () => new HttpError(404, "Run not found");

/**
 * A run on the thread in the path, or (POST /runs…) a stateless run on a temporary thread; under custom auth,
 * as the `threads:create_run` handler allows and changes it (lib/auth/run-auth.ts).
 */
async function start(
  p: Platform,
  req: Request,
  params: Params,
  body: RunCreateBody,
  onDisconnect: "cancel" | "continue",
): Promise<StoredRun> {
  const threadId: string | undefined = params.thread_id;
  const authorized = await authorizeRun(p, threadId, body);
  const defaults = { onDisconnect, request: runRequestOf(req), newThread: authorized.newThread };
  return threadId
    ? createRun(p, threadId, authorized.body, defaults)
    : createStatelessRun(p, authorized.body, defaults);
}

export async function createBackgroundRun({ body, params, req }: Input<RunCreateBody>, p: Platform): Promise<Response> {
  const run = await start(p, req, params, body, "continue");
  return json(publicRun(run), 200, { "content-location": `/threads/${run.thread_id}/runs/${run.run_id}` });
}

/** POST /runs/batch: several stateless background runs at once. */
export async function createBatch({ body: bodies, req }: Input<RunBatchBody>, p: Platform): Promise<Response> {
  const runs: StoredRun[] = [];
  for (const body of bodies) runs.push(await start(p, req, {}, body, "continue"));
  return json(runs.map(publicRun));
}

export async function createStreamedRun({ body, params, req }: Input<RunCreateBody>, p: Platform): Promise<Response> {
  // A stateless stream is cancelled when its reader goes (its thread would be deleted anyway), as on LangGraph Platform.
  const run = await start(p, req, params, body, params.thread_id ? "continue" : "cancel");
  const path = `/threads/${run.thread_id}/runs/${run.run_id}`;
  return runStream(p, run, -1, {
    justCreated: true,
    cancelOnDisconnect: run.kwargs.on_disconnect === "cancel",
    // The SDK reads the run id from Content-Location and reconnects (with Last-Event-ID) to Location.
    headers: { "content-location": path, location: `${path}/stream` },
  });
}

export async function createWaitedRun({ body, params, req }: Input<RunCreateBody>, p: Platform): Promise<Response> {
  const run = await start(p, req, params, body, "continue");
  const path = `/threads/${run.thread_id}/runs/${run.run_id}`;
  return keepAliveJson((signal) => finalOutput(p, run, signal, true), {
    heartbeatMs: p.options.heartbeatMs,
    headers: { "content-location": path },
    signal: req.signal,
    onDisconnect: async () => {
      if (run.kwargs.on_disconnect === "cancel") await cancelIfUnfinished(p, run);
    },
  });
}

export async function listRuns({ query: q, params }: Input<undefined, RunListQuery>, p: Platform): Promise<Response> {
  (await authorizeThread(p, "threads:search", { thread_id: params.thread_id, status: q.status })) ??
    (await getThreadOr404(p, params.thread_id));
  const runs = await p.runs.list(params.thread_id, { limit: q.limit, offset: q.offset, status: q.status });
  return json(runs.map(publicRun));
}

export async function getRun({ params }: Input, p: Platform): Promise<Response> {
  await authorizeThread(p, "threads:read", { thread_id: params.thread_id });
  return json(publicRun(await getRunOr404(p, params.thread_id, params.run_id)));
}

export async function cancel({ query: q, params, req }: Input<undefined, CancelQuery>, p: Platform): Promise<Response> {
  const value = { thread_id: params.thread_id, run_id: params.run_id, action: q.action ?? "interrupt" };
  await authorizeThread(p, "threads:update", value, runNotFound);
  const run = await getRunOr404(p, params.thread_id, params.run_id);
  // A run that has ended is left as it is, and the cancel answered as done (the official server logs a warning).
  if (!(await cancelRun(p, run, q.action ?? "interrupt"))) {
    const ended = await p.runs.get(run.thread_id, run.run_id);
    if (!ended) throw runNotFound();
    log.warn("cancel of a run that has ended", { run_id: run.run_id, status: ended.status });
  }
  if (q.wait) {
    await waitForRun(p, run, { signal: req.signal, pollMs: CANCEL_WAIT_POLL_MS });
    return new Response(null, { status: 204 });
  }
  return new Response(null, { status: 202 });
}

export async function deleteRun({ params }: Input, p: Platform): Promise<Response> {
  await authorizeThread(p, "threads:delete", { thread_id: params.thread_id, run_id: params.run_id }, runNotFound);
  await deleteRunService(p, params.thread_id, params.run_id);
  return new Response(null, { status: 204 });
}

/** POST /runs/cancel: the given runs of one thread, or every run of a thread, or (by status) every such run. */
export async function cancelMany(
  { body, query: q }: Input<CancelManyBody, CancelQuery>,
  p: Platform,
): Promise<Response> {
  const action = q.action ?? "interrupt";
  const filters = await authorize("threads:update", { thread_id: body.thread_id, action, run_ids: body.run_ids });
  if (body.thread_id && filters) {
    const thread = await p.threads.get(body.thread_id);
    if (!thread || !matchesAuthFilters(thread.metadata, filters)) throw runNotFound();
  }
  const runs: StoredRun[] = [];
  if (body.thread_id) {
    if (body.run_ids) {
      for (const runId of body.run_ids) runs.push(await getRunOr404(p, body.thread_id, runId));
    } else {
      runs.push(...(await p.runs.unfinished(body.thread_id)));
    }
  } else {
    runs.push(...(await p.runs.allWithStatus(body.status === "all" ? ["pending", "running"] : [body.status!])));
  }
  for (const run of runs) {
    if (FINAL_STATUSES.has(run.status)) continue;
    // By status, across threads: only the runs of threads the filters match.
    if (filters && !body.thread_id && !matchesAuthFilters((await p.threads.get(run.thread_id))?.metadata, filters))
      continue;
    await cancelRun(p, run, action);
  }
  return new Response(null, { status: 204 });
}

export async function join({ params, req }: Input, p: Platform): Promise<Response> {
  await authorizeThread(p, "threads:read", { thread_id: params.thread_id });
  const run = await getRunOr404(p, params.thread_id, params.run_id);
  return keepAliveJson((signal) => finalOutput(p, run, signal), {
    heartbeatMs: p.options.heartbeatMs,
    signal: req.signal,
  });
}

/**
 * GET: follow the run's events (from `Last-Event-ID` when given; `-1` or no header replays from the first). A run
 * that is not there, or on a thread the read handler's filters hide, is answered as the official server answers it:
 * a stream (200) of one `error` event.
 * POST with `?action=`: cancel first (the useStream stop button); `wait=1` answers 204 once stopped.
 */
export async function joinStream(
  { query: q, params, req }: Input<undefined, JoinStreamQuery>,
  p: Platform,
): Promise<Response> {
  if (req.method === "POST" && q.action) {
    await authorizeThread(p, "threads:update", { thread_id: params.thread_id, run_id: params.run_id }, runNotFound);
    const run = await getRunOr404(p, params.thread_id, params.run_id);
    if (!FINAL_STATUSES.has(run.status)) await cancelRun(p, run, q.action);
    if (q.wait) await waitForRun(p, run, { signal: req.signal, pollMs: CANCEL_WAIT_POLL_MS });
    return new Response(null, { status: 204 });
  }
  const hidden = new HttpError(404, "Thread not found");
  const visible = await authorizeThread(
    p,
    "threads:read",
    { thread_id: params.thread_id, run_id: params.run_id },
    () => hidden,
  ).then(
    () => true,
    (err: unknown) => {
      if (err === hidden) return false;
      throw err;
    },
  );
  if (!visible) return oneEventStream({ event: "error", data: { error: "Error", message: "404: Thread not found" } });
  const run = await p.runs.get(params.thread_id, params.run_id);
  if (!run) return oneEventStream({ event: "error", data: "Run not found" });
  const lastEventId = req.headers.get("last-event-id");
  const afterId = lastEventId === null || lastEventId === "" ? -1 : Number(lastEventId);
  if (!Number.isInteger(afterId) || afterId < -1) throw new HttpError(422, "Last-Event-ID must be an event id or -1");
  const cancelOnDisconnect = q.cancel_on_disconnect ?? false;
  // Location: where the SDK reconnects (with Last-Event-ID) if the connection drops mid-run.
  const modes = q.stream_mode && new Set(q.stream_mode);
  return runStream(p, run, afterId, {
    cancelOnDisconnect,
    headers: { location: `/threads/${run.thread_id}/runs/${run.run_id}/stream` },
    only: modes && ((event) => (streamModeOf(event) === undefined ? true : modes.has(streamModeOf(event)!))),
  });
}

/**
 * GET /runs/{run_id}/stream: the same, for a client that knows only the run's id. A run that is not there is an empty
 * stream (200), as on the official server.
 */
export async function joinStreamById(input: Input<undefined, JoinStreamQuery>, p: Platform): Promise<Response> {
  const run = await p.runs.find(input.params.run_id);
  if (!run) return oneEventStream(undefined, { "content-location": `/runs/${input.params.run_id}` });
  return joinStream({ ...input, params: { thread_id: run.thread_id, run_id: run.run_id } }, p);
}

/** A stream that sends `event` (if any) and ends. */
function oneEventStream(event?: SseEvent, headers?: Record<string, string>): Response {
  return sseResponse(
    (async function* () {
      if (event) yield formatSseEvent(event);
    })(),
    headers,
  );
}

/** `on_disconnect: "cancel"`: the client has gone, so the run stops (unless it has ended meanwhile). */
async function cancelIfUnfinished(p: Platform, run: StoredRun): Promise<void> {
  const current = await p.runs.get(run.thread_id, run.run_id);
  if (current && !FINAL_STATUSES.has(current.status)) await cancelRun(p, current, "interrupt");
}

function runStream(
  p: Platform,
  run: StoredRun,
  afterId: number,
  options: {
    cancelOnDisconnect: boolean;
    headers: Record<string, string>;
    only?: (event: string) => boolean;
    /** The run was created by this request: nothing of it is in the log yet (see followRun). */
    justCreated?: boolean;
  },
): Response {
  const abort = new AbortController();
  // The client left: the response body was cancelled. (Its abort ends followRun quietly, so the loop below can
  // end as if the run had — this flag tells the two apart.)
  let disconnected = false;
  async function* events(): AsyncGenerator<string> {
    let completed = false;
    try {
      for await (const event of followRun(p, run, afterId, abort.signal, options.justCreated)) {
        // The log's `end` marker tells readers the run has finished; on the wire a stream ends by closing, as on
        // the official server (the SDK would hand an `end` event to user code).
        if (event.event === "end" || (options.only && !options.only(event.event))) continue;
        yield formatSseEvent({
          event: event.event,
          data: clientEventData(event.event, event.data),
          id: String(event.id),
        });
      }
      completed = !disconnected;
    } finally {
      abort.abort();
      if (!completed && options.cancelOnDisconnect) await cancelIfUnfinished(p, run);
    }
  }
  const onCancel = () => {
    disconnected = true;
    abort.abort();
  };
  return sseResponse(events(), options.headers, { heartbeatMs: p.options.heartbeatMs, onCancel });
}

/**
 * What `runs/wait` and `join` answer, as the official server does: the run's error (`{__error__}`); else the last
 * `values` event it streamed while we followed it (at an interrupt that is `{__interrupt__: [...]}`, not the state);
 * else the thread's values after the run (the copy the worker put on the thread item, else read through the graph
 * when they were too large for it).
 */
async function finalOutput(p: Platform, run: StoredRun, signal: AbortSignal, justCreated = false): Promise<unknown> {
  let lastValues: unknown;
  let failure: unknown;
  const finished = await waitForRun(p, run, {
    signal,
    justCreated,
    onEvent: (event) => {
      if (event.event === "values") lastValues = event.data;
      if (event.event === "error") failure = event.data;
    },
  });
  if (failure) return { __error__: failure };
  if (finished !== "ended" && finished?.status === "error")
    return { __error__: finished.error ?? { error: "Error", message: "Run failed" } };
  if (lastValues !== undefined) return lastValues;
  // A stateless run's thread is deleted as it ends.
  if (run.kwargs.on_completion === "delete") return null;
  const thread = await p.threads.get(run.thread_id);
  if (thread?.values) return thread.values;
  return (await getState(p, run.thread_id)).values;
}
