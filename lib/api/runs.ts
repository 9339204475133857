/** Run endpoints: create (background, streamed, waited), list, get, cancel, join, join-stream. */
import { HttpError } from "../http/errors.js";
import { json, parseBody } from "../http/json.js";
import type { Params } from "../http/router.js";
import { formatSseEvent, sseResponse } from "../http/sse.js";
import type { Platform } from "../platform.js";
import type { RunKwargs } from "../runs/kwargs.js";
import { CancelQuery, RunCreateBody, RunListQuery } from "../schemas/runs.js";
import { cancelRun, createRun, followRun, getRunOr404, waitForRun } from "../services/runs.js";
import { getState } from "../services/state.js";
import { getThreadOr404 } from "../services/threads.js";
import { FINAL_STATUSES, publicRun, type StoredRun } from "../stores/run-store.js";

const query = (req: Request) => Object.fromEntries(new URL(req.url).searchParams);

export async function createBackgroundRun(req: Request, params: Params, p: Platform): Promise<Response> {
  const body = await parseBody(req, RunCreateBody);
  const run = await createRun(p, params.thread_id, body, { onDisconnect: "continue" });
  return json(publicRun(run));
}

export async function createStreamedRun(req: Request, params: Params, p: Platform): Promise<Response> {
  const body = await parseBody(req, RunCreateBody);
  const run = await createRun(p, params.thread_id, body, { onDisconnect: "continue" });
  const path = `/threads/${run.thread_id}/runs/${run.run_id}`;
  return runStream(p, run, -1, {
    cancelOnDisconnect: (run.kwargs as unknown as RunKwargs).on_disconnect === "cancel",
    // The SDK reads the run id from Content-Location and reconnects (with Last-Event-ID) to Location.
    headers: { "content-location": path, location: `${path}/stream` },
  });
}

export async function createWaitedRun(req: Request, params: Params, p: Platform): Promise<Response> {
  const body = await parseBody(req, RunCreateBody);
  const run = await createRun(p, params.thread_id, body, { onDisconnect: "continue" });
  const path = `/threads/${run.thread_id}/runs/${run.run_id}`;
  return json(await finalOutput(p, run, req.signal, true), 200, { "content-location": path });
}

export async function listRuns(req: Request, params: Params, p: Platform): Promise<Response> {
  const q = RunListQuery.parse(query(req));
  await getThreadOr404(p, params.thread_id);
  const runs = await p.runs.list(params.thread_id, { limit: q.limit, offset: q.offset, status: q.status });
  return json(runs.map(publicRun));
}

export async function getRun(_req: Request, params: Params, p: Platform): Promise<Response> {
  return json(publicRun(await getRunOr404(p, params.thread_id, params.run_id)));
}

export async function cancel(req: Request, params: Params, p: Platform): Promise<Response> {
  const q = CancelQuery.parse(query(req));
  const run = await getRunOr404(p, params.thread_id, params.run_id);
  if (!(await cancelRun(p, run, q.action ?? "interrupt"))) {
    throw new HttpError(409, `Run ${run.run_id} is not cancellable: its status is ${(await p.runs.get(run.thread_id, run.run_id))?.status ?? "deleted"}`);
  }
  if (q.wait === "1" || q.wait === "true") {
    await waitForRun(p, run, req.signal);
    return new Response(null, { status: 204 });
  }
  return new Response(null, { status: 202 });
}

export async function join(req: Request, params: Params, p: Platform): Promise<Response> {
  const run = await getRunOr404(p, params.thread_id, params.run_id);
  return json(await finalOutput(p, run, req.signal));
}

/**
 * GET: follow the run's events (from `Last-Event-ID` when given; `-1` or no header replays from the first).
 * POST with `?action=`: cancel first (the useStream stop button); `wait=1` answers 204 once stopped.
 */
export async function joinStream(req: Request, params: Params, p: Platform): Promise<Response> {
  const run = await getRunOr404(p, params.thread_id, params.run_id);
  const q = CancelQuery.parse(query(req));
  if (req.method === "POST" && q.action) {
    if (!FINAL_STATUSES.has(run.status)) await cancelRun(p, run, q.action);
    if (q.wait === "1" || q.wait === "true") await waitForRun(p, run, req.signal);
    return new Response(null, { status: 204 });
  }
  const lastEventId = req.headers.get("last-event-id");
  const afterId = lastEventId === null || lastEventId === "" ? -1 : Number(lastEventId);
  if (!Number.isInteger(afterId) || afterId < -1) throw new HttpError(422, "Last-Event-ID must be an event id or -1");
  const cancelOnDisconnect = query(req).cancel_on_disconnect === "1";
  return runStream(p, run, afterId, { cancelOnDisconnect, headers: {} });
}

function runStream(p: Platform, run: StoredRun, afterId: number, options: { cancelOnDisconnect: boolean; headers: Record<string, string> }): Response {
  const abort = new AbortController();
  async function* events(): AsyncGenerator<string> {
    let completed = false;
    try {
      for await (const event of followRun(p, run, afterId, abort.signal)) {
        yield formatSseEvent({ event: event.event, data: event.data, id: String(event.id) });
      }
      completed = true;
    } finally {
      abort.abort();
      if (!completed && options.cancelOnDisconnect) {
        const current = await p.runs.get(run.thread_id, run.run_id);
        if (current && !FINAL_STATUSES.has(current.status)) await cancelRun(p, current, "interrupt");
      }
    }
  }
  return sseResponse(events(), options.headers, { heartbeatMs: p.options.heartbeatMs, onCancel: () => abort.abort() });
}

/**
 * What `runs/wait` and `join` answer: the thread's values after the run (the copy the worker put on the thread
 * item, else read through the graph when they were too large for it), or the run's error.
 */
async function finalOutput(p: Platform, run: StoredRun, signal: AbortSignal, justCreated = false): Promise<unknown> {
  const finished = await waitForRun(p, run, signal, justCreated);
  if (finished?.status === "error") return { __error__: finished.error ?? { error: "Error", message: "Run failed" } };
  const thread = await p.threads.get(run.thread_id);
  if (thread?.values) return thread.values;
  return (await getState(p, run.thread_id)).values;
}
