/** Thread endpoints: CRUD, search, state, history. */
import { json, parseBody, parseQuery, readJson } from "../http/json.js";
import type { Params } from "../http/router.js";
import type { Platform } from "../platform.js";
import {
  HistoryBody,
  HistoryQuery,
  StateAtCheckpointBody,
  StatePatchBody,
  StateQuery,
  ThreadStreamQuery,
  StateUpdateBody,
  ThreadCountBody,
  ThreadCreateBody,
  ThreadPatchBody,
  ThreadPruneBody,
  ThreadSearchBody,
} from "../schemas/threads.js";
import { createThreadWithHistory, getHistory, getState, updateState } from "../services/state.js";
import {
  copyThread,
  countThreads,
  deleteThread,
  getThreadOr404,
  patchThread,
  pruneThreads,
  publicThread,
  searchThreads,
} from "../services/threads.js";
import { HttpError } from "../http/errors.js";
import { formatSseEvent, sseResponse } from "../http/sse.js";
import { abortBeforeDeadline } from "../http/invocation-deadline.js";
import {
  followThread,
  threadStreamPart,
  type ThreadPosition,
  type ThreadStreamMode,
} from "../services/thread-stream.js";

const flag = (value: string | undefined) => value === "true" || value === "1";

export async function create(req: Request, _params: Params, p: Platform): Promise<Response> {
  return json(publicThread(await createThreadWithHistory(p, await parseBody(req, ThreadCreateBody))));
}

export async function get(_req: Request, params: Params, p: Platform): Promise<Response> {
  return json(publicThread(await getThreadOr404(p, params.thread_id)));
}

export async function patch(req: Request, params: Params, p: Platform): Promise<Response> {
  const body = await parseBody(req, ThreadPatchBody);
  return json(publicThread(await patchThread(p, params.thread_id, body.metadata ?? {})));
}

export async function remove(_req: Request, params: Params, p: Platform): Promise<Response> {
  await deleteThread(p, params.thread_id);
  return new Response(null, { status: 204 });
}

export async function search(req: Request, _params: Params, p: Platform): Promise<Response> {
  const threads = await searchThreads(p, await parseBody(req, ThreadSearchBody));
  return json(threads.map(publicThread));
}

export async function state(req: Request, params: Params, p: Platform): Promise<Response> {
  const q = parseQuery(req, StateQuery);
  const checkpoint = params.checkpoint_id ? { checkpoint_id: params.checkpoint_id } : undefined;
  return json(await getState(p, params.thread_id, { subgraphs: flag(q.subgraphs), checkpoint }));
}

export async function stateAtCheckpoint(req: Request, params: Params, p: Platform): Promise<Response> {
  const body = await parseBody(req, StateAtCheckpointBody);
  return json(await getState(p, params.thread_id, { subgraphs: body.subgraphs ?? false, checkpoint: body.checkpoint }));
}

export async function update(req: Request, params: Params, p: Platform): Promise<Response> {
  return json(await updateState(p, params.thread_id, await parseBody(req, StateUpdateBody)));
}

export async function history(req: Request, params: Params, p: Platform): Promise<Response> {
  const body =
    req.method === "GET"
      ? HistoryBody.parse({ limit: parseQuery(req, HistoryQuery).limit ?? 10 })
      : HistoryBody.parse(await readJson(req));
  return json(await getHistory(p, params.thread_id, body));
}

export async function count(req: Request, _params: Params, p: Platform): Promise<Response> {
  return json(await countThreads(p, await parseBody(req, ThreadCountBody)));
}

export async function copy(_req: Request, params: Params, p: Platform): Promise<Response> {
  return json(publicThread(await copyThread(p, params.thread_id)));
}

export async function prune(req: Request, _params: Params, p: Platform): Promise<Response> {
  const body = await parseBody(req, ThreadPruneBody);
  return json({ pruned_count: await pruneThreads(p, body.thread_ids, body.strategy ?? "delete") });
}

/** PATCH /threads/{id}/state: merge metadata into the latest checkpoint's. */
export async function patchState(req: Request, params: Params, p: Platform): Promise<Response> {
  const body = await parseBody(req, StatePatchBody);
  await getThreadOr404(p, params.thread_id);
  if (!(await p.checkpointer.patchLatestMetadata(params.thread_id, body.metadata)))
    throw new HttpError(404, "Thread has no state to patch");
  return new Response(null, { status: 204 });
}

/**
 * GET /threads/{id}/stream: every run of the thread as one stream, open until the client leaves (on AWS, until the
 * function's timeout: the client rejoins with the last id). Event ids are `<run_id>:<event id>`; `Last-Event-ID`
 * resumes after one, `-` replays from the thread's first run; without it the stream starts at the oldest
 * unfinished run (or the next one created).
 */
export async function joinStream(req: Request, params: Params, p: Platform): Promise<Response> {
  const q = parseQuery(req, ThreadStreamQuery, ["stream_mode"]);
  await getThreadOr404(p, params.thread_id);
  const modes = new Set<ThreadStreamMode>(q.stream_mode ?? ["run_modes"]);
  const lastEventId = req.headers.get("last-event-id");
  const after = lastEventId && lastEventId !== "-" ? threadPosition(lastEventId) : undefined;
  const abort = new AbortController();
  const stopDeadline = abortBeforeDeadline(abort); // ends cleanly before the function's timeout; the client rejoins
  async function* events(): AsyncGenerator<string> {
    try {
      for await (const event of followThread(p, params.thread_id, {
        after,
        from: lastEventId === "-" ? "start" : undefined,
        signal: abort.signal,
      })) {
        const part = await threadStreamPart(p, params.thread_id, event, modes);
        if (part) yield formatSseEvent({ ...part, id: `${event.run_id}:${event.id}` });
      }
    } finally {
      stopDeadline();
      abort.abort();
    }
  }
  return sseResponse(
    events(),
    { location: `/threads/${params.thread_id}/stream` },
    { heartbeatMs: p.options.heartbeatMs, onCancel: () => abort.abort() },
  );
}

function threadPosition(lastEventId: string): ThreadPosition {
  const match = /^([0-9a-f-]{36}):(-1|\d+)$/i.exec(lastEventId);
  if (!match) {
    const msg = "Last-Event-ID must be '-' or an id this stream sent (<run_id>:<event id>)";
    throw new HttpError(422, msg, { detail: [{ loc: ["header", "Last-Event-ID"], msg, type: "value_error" }] });
  }
  return { run_id: match[1].toLowerCase(), id: Number(match[2]) };
}
