/**
 * The thread-centric streaming protocol (@langchain/protocol; the SDK's `client.threads.stream()`), over its
 * HTTP/SSE transport:
 * - POST /threads/{thread_id}/commands       — one command, one JSON response (lib/protocol/commands.ts);
 * - POST /threads/{thread_id}/stream/events  — an SSE stream of the thread's protocol events, filtered by the
 *   body's channels / namespaces / depth, replaying after `since` (lib/protocol/stream.ts).
 *
 * The protocol's WebSocket transport (GET …/stream/events upgraded) is not served: Lambda function URLs cannot
 * upgrade a connection to WebSocket. The SDK's default transport is this SSE one.
 *
 * Neither route keeps anything in memory between requests: commands act through the stores, streams are read
 * from the event log, so each request may land on a different Lambda from the run it concerns.
 */
import { json } from "../http/json.js";
import type { Input } from "../http/route.js";
import { abortBeforeDeadline } from "../http/invocation-deadline.js";
import { formatSseEvent, sseResponse } from "../http/sse.js";
import type { Platform } from "../platform.js";
import { handleCommand } from "../protocol/commands.js";
import type { EventStreamRequest, ProtocolCommand } from "../protocol/schemas.js";
import { threadEvents } from "../protocol/stream.js";
import { HttpError } from "../http/errors.js";
import { authorize, authorizeThread } from "../auth/guard.js";
import { matchesAuthFilters } from "../auth/filters.js";

/** Custom auth: a command may create its thread (a run's `if_not_exists: "create"`): one already there must match. */
async function readableIfThere(p: Platform, threadId: string): Promise<void> {
  const filters = await authorize("threads:read", { thread_id: threadId });
  const thread = filters && (await p.threads.get(threadId));
  if (thread && !matchesAuthFilters(thread.metadata, filters)) throw new HttpError(404, "Thread not found");
}

export async function protocolCommand({ body, params }: Input<ProtocolCommand>, p: Platform): Promise<Response> {
  await readableIfThere(p, params.thread_id);
  return json(await handleCommand(p, params.thread_id, body));
}

export async function protocolEventStream({ body, params }: Input<EventStreamRequest>, p: Platform): Promise<Response> {
  // Custom auth: a thread the `threads:read` handler's filters do not match is not found.
  await authorizeThread(
    p,
    "threads:read",
    { thread_id: params.thread_id },
    () => new HttpError(404, "Thread not found"),
  );
  const abort = new AbortController();
  const stopDeadline = abortBeforeDeadline(abort); // ends cleanly before the function's timeout; the client rejoins
  async function* frames(): AsyncGenerator<string> {
    try {
      for await (const event of threadEvents(p, params.thread_id, body, abort.signal)) {
        yield formatSseEvent({ event: event.method, data: event, id: event.event_id });
      }
    } finally {
      stopDeadline();
      abort.abort();
    }
  }
  return sseResponse(frames(), {}, { heartbeatMs: p.options.heartbeatMs, onCancel: () => abort.abort() });
}
