/**
 * Adapters between a Lambda function URL (payload format 2.0, RESPONSE_STREAM invoke mode) and the web-standard
 * Request/Response the routes speak. Used by functions/api.ts on AWS, and through the local shim by `npm start`.
 */
import type { Writable } from "node:stream";
import type { Context, LambdaFunctionURLEvent, StreamifyHandler } from "aws-lambda";
import { withInvocationDeadline } from "./invocation-deadline.js";
import { jsonText } from "./json.js";

export type App = (req: Request) => Promise<Response>;

export function requestFromEvent(event: LambdaFunctionURLEvent): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(event.headers ?? {})) if (value !== undefined) headers.set(name, value);
  if (event.cookies?.length) headers.set("cookie", event.cookies.join("; "));
  const host = headers.get("host") ?? event.requestContext?.domainName ?? "localhost";
  const url = `https://${host}${event.rawPath || "/"}${event.rawQueryString ? `?${event.rawQueryString}` : ""}`;
  const method = event.requestContext?.http?.method ?? "GET";
  const hasBody = event.body !== undefined && event.body !== null && method !== "GET" && method !== "HEAD";
  const body = hasBody ? (event.isBase64Encoded ? Buffer.from(event.body!, "base64") : event.body) : undefined;
  return new Request(url, { method, headers, body });
}

/**
 * Writes `response` to a Lambda response stream: status and headers through HttpResponseStream.from (the JSON
 * prelude), then each body chunk as soon as it is produced; a JSON answer of json.ts, its text in one write. Always
 * writes at least once before end(): the prelude goes out on the first write, and end() alone would drop the
 * headers. If a write fails (the client is gone), the body is cancelled so its producer stops.
 */
export async function writeResponseToStream(response: Response, responseStream: Writable): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const stream = awslambda.HttpResponseStream.from(responseStream, { statusCode: response.status, headers });
  const text = jsonText(response);
  if (text !== undefined) {
    await written(stream, text).catch(() => undefined); // the client is gone: nothing to stop
    return void stream.end();
  }
  const reader = response.body?.getReader();
  try {
    await write(stream, "");
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      await write(stream, value);
    }
  } catch (err) {
    await reader?.cancel(err).catch(() => undefined);
  } finally {
    stream.end();
  }
}

/**
 * Writes a chunk of a streamed body, waiting only when the stream is full (until it drains). Not for its callback: a
 * write's callback comes on the next tick, and the next tick waits for every queued promise job, so a graph making
 * its tokens in one run of promise jobs would hold every chunk after this one until its last.
 */
async function write(stream: Writable, chunk: Uint8Array | string): Promise<void> {
  if (stream.destroyed || stream.writableEnded) throw new Error("response stream closed");
  const more = stream.write(chunk);
  // On Lambda the response stream is the runtime's node:http request, which corks its socket for each chunk until
  // the next tick: the same wait. (npm start's stream does the same: http-server.ts.)
  stream.uncork();
  if (!more) await drained(stream);
}

function drained(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (err?: Error) => {
      stream.off("drain", onDrain);
      stream.off("close", onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => settle();
    const onClose = () => settle(new Error("response stream closed"));
    stream.on("drain", onDrain);
    stream.on("close", onClose);
  });
}

/** Writes `chunk` and resolves once the stream has taken it (a whole answer, written once). */
function written(stream: Writable, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (stream.destroyed || stream.writableEnded) return reject(new Error("response stream closed"));
    stream.write(chunk, (err) => (err ? reject(err) : resolve()));
    stream.uncork();
  });
}

/** The function to hand to `awslambda.streamifyResponse`: every request through `app`. */
export function streamingHandler(app: App): StreamifyHandler<LambdaFunctionURLEvent, void> {
  return async (event: LambdaFunctionURLEvent, responseStream: Writable, context: Context) => {
    // Streams that follow a thread end before the function's timeout (lib/http/invocation-deadline.ts).
    const request = () => app(requestFromEvent(event));
    const remaining =
      typeof context?.getRemainingTimeInMillis === "function" ? context.getRemainingTimeInMillis() : undefined;
    const response = await (remaining === undefined
      ? request()
      : withInvocationDeadline(Date.now() + remaining, request));
    await writeResponseToStream(response, responseStream);
  };
}
