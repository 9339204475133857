/** Thread endpoints: CRUD, search, state, history. */
import { json } from "../http/json.js";
import type { Input } from "../http/route.js";
import type { Platform } from "../platform.js";
import type {
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
import { HttpError, invalid } from "../http/errors.js";
import { uuid7 } from "../ids.js";
import { authorize, authorizeThread } from "../auth/guard.js";
import { matchesAuthFilters } from "../auth/filters.js";
import { formatSseEvent, sseResponse } from "../http/sse.js";
import { abortBeforeDeadline } from "../http/invocation-deadline.js";
import {
  followThread,
  threadStreamPart,
  type ThreadPosition,
  type ThreadStreamMode,
} from "../services/thread-stream.js";

/**
 * POST /threads. Under custom auth (lib/auth/) the `threads:create` handler may stamp the metadata; a thread already
 * there that its filters do not match is a 409, as officially.
 */
export async function create({ body }: Input<ThreadCreateBody>, p: Platform): Promise<Response> {
  const value = { thread_id: body.thread_id ?? uuid7(), metadata: body.metadata ?? {}, if_exists: body.if_exists };
  const filters = await authorize("threads:create", value);
  if (filters && body.thread_id) {
    const existing = await p.threads.get(body.thread_id);
    if (existing && !matchesAuthFilters(existing.metadata, filters)) throw new HttpError(409, "Thread already exists");
  }
  return json(
    publicThread(await createThreadWithHistory(p, { ...body, metadata: value.metadata }, filters, value.thread_id)),
  );
}

export async function get({ params }: Input, p: Platform): Promise<Response> {
  const seen = await authorizeThread(p, "threads:read", { thread_id: params.thread_id });
  return json(publicThread(seen ?? (await getThreadOr404(p, params.thread_id))));
}

export async function patch({ body, params }: Input<ThreadPatchBody>, p: Platform): Promise<Response> {
  const value = { thread_id: params.thread_id, metadata: body.metadata ?? {} };
  await authorizeThread(p, "threads:update", value, () => new HttpError(404, "Thread not found"));
  return json(publicThread(await patchThread(p, params.thread_id, value.metadata)));
}

export async function remove({ params }: Input, p: Platform): Promise<Response> {
  await authorizeThread(p, "threads:delete", { thread_id: params.thread_id });
  await deleteThread(p, params.thread_id);
  return new Response(null, { status: 204 });
}

export async function search({ body }: Input<ThreadSearchBody>, p: Platform): Promise<Response> {
  const { limit, offset, metadata, ids, status, values } = body;
  const auth = await authorize("threads:search", { metadata, ids, status, values, limit, offset });
  const threads = await searchThreads(p, body, auth);
  return json(threads.map(publicThread));
}

export async function state({ query, params }: Input<undefined, StateQuery>, p: Platform): Promise<Response> {
  await authorizeThread(p, "threads:read", { thread_id: params.thread_id });
  const checkpoint = params.checkpoint_id ? { checkpoint_id: params.checkpoint_id } : undefined;
  return json(await getState(p, params.thread_id, { subgraphs: query.subgraphs ?? false, checkpoint }));
}

export async function stateAtCheckpoint(
  { body, params }: Input<StateAtCheckpointBody>,
  p: Platform,
): Promise<Response> {
  await authorizeThread(p, "threads:read", { thread_id: params.thread_id });
  return json(await getState(p, params.thread_id, { subgraphs: body.subgraphs ?? false, checkpoint: body.checkpoint }));
}

export async function update({ body, params }: Input<StateUpdateBody>, p: Platform): Promise<Response> {
  await authorizeThread(p, "threads:update", { thread_id: params.thread_id });
  return json(await updateState(p, params.thread_id, body));
}

/** POST /threads/{id}/history: the body's filters. */
export async function history({ body, params }: Input<HistoryBody>, p: Platform): Promise<Response> {
  await authorizeThread(p, "threads:read", { thread_id: params.thread_id });
  return json(await getHistory(p, params.thread_id, body));
}

/** GET /threads/{id}/history: the latest `limit` (10) checkpoints. */
export async function latestHistory({ query, params }: Input<undefined, HistoryQuery>, p: Platform): Promise<Response> {
  await authorizeThread(p, "threads:read", { thread_id: params.thread_id });
  return json(await getHistory(p, params.thread_id, { limit: query.limit ?? 10 }));
}

export async function count({ body }: Input<ThreadCountBody>, p: Platform): Promise<Response> {
  const { metadata, values, status } = body;
  const auth = await authorize("threads:search", { metadata, values, status, limit: 0, offset: 0 });
  return json(await countThreads(p, body, auth));
}

/**
 * A copy is a read of the thread and the creation of another (whose handler may refuse it). A thread missing or
 * hidden by the read handler's filters is a 409 `Thread not found`, as on the official server.
 */
export async function copy({ params }: Input, p: Platform): Promise<Response> {
  const source = await authorizeThread(p, "threads:read", { thread_id: params.thread_id }, copyNotFound);
  if (source) await authorize("threads:create", { thread_id: uuid7(), metadata: { ...source.metadata } });
  return json(publicThread(await copyThread(p, params.thread_id)));
}

const copyNotFound = () => new HttpError(409, "Thread not found");

/** Threads the `threads:delete` handler's filters do not match are left alone, and not counted. */
export async function prune({ body }: Input<ThreadPruneBody>, p: Platform): Promise<Response> {
  const allowed: string[] = [];
  for (const threadId of body.thread_ids) {
    const filters = await authorize("threads:delete", { thread_id: threadId });
    const thread = filters && (await p.threads.get(threadId));
    if (!filters || (thread && matchesAuthFilters(thread.metadata, filters))) allowed.push(threadId);
  }
  return json({ pruned_count: await pruneThreads(p, allowed, body.strategy ?? "delete") });
}

/** PATCH /threads/{id}/state: merge metadata into the latest checkpoint's. */
export async function patchState({ body, params }: Input<StatePatchBody>, p: Platform): Promise<Response> {
  (await authorizeThread(p, "threads:update", { thread_id: params.thread_id })) ??
    (await getThreadOr404(p, params.thread_id));
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
export async function joinStream(
  { query: q, params, req }: Input<undefined, ThreadStreamQuery>,
  p: Platform,
): Promise<Response> {
  (await authorizeThread(p, "threads:read", { thread_id: params.thread_id })) ??
    (await getThreadOr404(p, params.thread_id));
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
    throw invalid({ loc: ["header", "Last-Event-ID"], msg, type: "value_error" });
  }
  return { run_id: match[1].toLowerCase(), id: Number(match[2]) };
}
