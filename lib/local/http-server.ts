/**
 * `npm start`'s HTTP front end: a node:http server that calls the exact Lambda handler (functions/api.ts) the
 * way a function URL in RESPONSE_STREAM mode does — a payload-2.0 event in, a response stream out whose
 * prelude (JSON + 8 NUL bytes) becomes the status line and headers. Body bytes are forwarded unbuffered.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import type { LambdaFunctionURLEvent, StreamifyHandler } from "aws-lambda";
import { invocationContext } from "./lambda-context.js";
import { serveStatic } from "./static-files.js";
import { PRELUDE_SEPARATOR } from "./streamify-shim.js";
import { errorMessage, log } from "../log/log.js";

export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

const TEXT_TYPES = /^(application\/(json|x-www-form-urlencoded|.*\+json)|text\/)/i;

export async function startLocalServer(options: {
  handler: StreamifyHandler<LambdaFunctionURLEvent, void>;
  port: number;
  host: string;
  /** A built page to serve at / (see static-files.ts). */
  staticDir?: string;
}): Promise<LocalServer> {
  const server = createServer((req, res) => {
    res.on("error", (err) => {
      if (!isClientGone(err)) logError("response failed", err);
    });
    if (options.staticDir && serveStatic(options.staticDir, req, res)) return;
    void serve(options.handler, req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function serve(
  handler: StreamifyHandler<LambdaFunctionURLEvent, void>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const stream = new PreludeWritable(res);
  // The client went away: later writes fail (as on Lambda, where nothing else tells the function).
  res.on("close", () => {
    if (!res.writableFinished) stream.destroy();
  });
  // A write to a client that left fails (EPIPE, ECONNRESET, a write after destroy). Without a listener that error
  // is thrown out of the event loop and ends the process; here it ends only this response.
  const dropped = (err: Error) => {
    if (!isClientGone(err)) logError("response stream failed", err);
    stream.destroy();
    res.destroy();
  };
  res.on("error", dropped);
  stream.on("error", dropped);
  try {
    const event = await toEvent(req);
    await handler(event, stream as never, invocationContext("lambdagraph-api-local"));
    if (!stream.writableEnded) stream.end();
  } catch (err) {
    if (!(stream.destroyed && err instanceof Error && isClientGone(err))) logError("handler failed", err);
    if (res.destroyed) return;
    if (!res.headersSent) {
      res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ detail: "Bad Gateway" }));
    } else {
      res.destroy();
    }
  }
}

/** Errors that only mean the client closed its connection. */
function isClientGone(err: Error): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return (
    code === "EPIPE" ||
    code === "ECONNRESET" ||
    code === "ERR_STREAM_DESTROYED" ||
    code === "ERR_STREAM_PREMATURE_CLOSE" ||
    code === "ERR_STREAM_WRITE_AFTER_END"
  );
}

function logError(msg: string, err: unknown): void {
  log.error(msg, { error: errorMessage(err), code: (err as NodeJS.ErrnoException | undefined)?.code });
}

/** The request's body; a request that declares none (no Content-Length or a zero one, no Transfer-Encoding) has none. */
async function readBody(req: IncomingMessage): Promise<Buffer> {
  const length = req.headers["content-length"];
  if ((length === undefined || length === "0") && req.headers["transfer-encoding"] === undefined) {
    req.resume();
    return EMPTY;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}

const EMPTY = Buffer.alloc(0);

async function toEvent(req: IncomingMessage): Promise<LambdaFunctionURLEvent> {
  const raw = await readBody(req);
  const url = new URL(req.url ?? "/", "http://local");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && name !== "cookie") headers[name] = Array.isArray(value) ? value.join(",") : value;
  }
  const isText = TEXT_TYPES.test(headers["content-type"] ?? "application/json");
  const time = new Date();
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies: req.headers.cookie ? req.headers.cookie.split(/;\s*/) : undefined,
    headers,
    queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
    requestContext: {
      accountId: "anonymous",
      apiId: "local",
      domainName: headers.host ?? "localhost",
      domainPrefix: "local",
      http: {
        method: req.method ?? "GET",
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: time.toUTCString(),
      timeEpoch: time.getTime(),
    },
    body: raw.length === 0 ? undefined : isText ? raw.toString("utf8") : raw.toString("base64"),
    isBase64Encoded: raw.length > 0 && !isText,
  } as LambdaFunctionURLEvent;
}

/**
 * The response stream: reads the prelude up to the 8 NUL bytes, then forwards body bytes as they come. Body bytes
 * that come within the same turn of the event loop as the prelude go out with the status line and headers, and a
 * response that ends within it (a JSON answer) is sent whole, with its Content-Length, in one socket write: each
 * write on a loopback socket wakes the client, so headers, body and the chunked terminator sent apart cost three
 * wake-ups and most of a small request's time. A body that takes longer (a stream) gets its headers at the next turn,
 * or at once when the function writes nothing after the prelude (writeResponseToStream opens a streamed body so).
 */
class PreludeWritable extends Writable {
  private head: Buffer | undefined = Buffer.alloc(0);
  /** Status and headers not yet sent, with the body chunks held until they are. */
  private pending: { statusCode: number; headers: Record<string, string | string[]>; body: Buffer[] } | undefined;

  constructor(private readonly res: ServerResponse) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const withPrelude = this.head !== undefined;
    if (this.head !== undefined) {
      const buffered = Buffer.concat([this.head, chunk]);
      const end = buffered.indexOf(PRELUDE_SEPARATOR);
      if (end < 0) {
        this.head = buffered;
        return callback();
      }
      this.head = undefined;
      const prelude = JSON.parse(buffered.subarray(0, end).toString("utf8")) as {
        statusCode?: number;
        headers?: Record<string, string>;
        cookies?: string[];
      };
      const headers: Record<string, string | string[]> = { ...(prelude.headers ?? {}) };
      if (prelude.cookies?.length) headers["set-cookie"] = prelude.cookies;
      this.pending = { statusCode: prelude.statusCode ?? 200, headers, body: [] };
      setImmediate(() => this.sendPending());
      chunk = buffered.subarray(end + PRELUDE_SEPARATOR.length);
    }
    if (chunk.length === 0) {
      // An empty write asks for what is held to go now: writeResponseToStream opens a streamed body so. Its headers
      // must not wait for the next turn, which a graph making its tokens in promise jobs would hold off until its end.
      if (this.pending && !withPrelude) this.sendPending();
      return callback();
    }
    if (this.pending) {
      this.pending.body.push(chunk);
      return callback();
    }
    // Done once the socket took the chunk (or, when it is full, once it drained), not at write's callback: that comes
    // on the next tick, which waits for every queued promise job, and until then this stream holds the next chunk.
    if (this.res.write(chunk)) callback();
    else this.res.once("drain", () => callback());
    // node:http corks the socket for each chunk and uncorks it on the next tick, and the next tick waits for every
    // queued promise job: a graph that makes its tokens in one run of promise jobs (a fast model, a cached reply)
    // would hold its first token until its last. The function URL front end forwards bytes as they come; so do we.
    this.res.uncork();
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.head !== undefined && !this.res.headersSent) this.res.writeHead(200);
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return void this.res.end(() => callback());
    const body = Buffer.concat(pending.body);
    const headers = pending.headers;
    const named = (name: string) => Object.keys(headers).some((key) => key.toLowerCase() === name);
    if (body.length > 0 && !named("content-length") && !named("transfer-encoding"))
      headers["content-length"] = String(body.length);
    this.res.writeHead(pending.statusCode, headers);
    this.res.end(body, () => callback());
  }

  /** Sends the status line and headers, with the body held so far, when the response has not ended by now. */
  private sendPending(): void {
    const pending = this.pending;
    if (!pending || this.destroyed) return;
    this.pending = undefined;
    this.res.writeHead(pending.statusCode, pending.headers);
    if (pending.body.length > 0) this.res.write(Buffer.concat(pending.body));
    else this.res.flushHeaders();
  }
}
