/**
 * A streamed body's bytes leave as they are written, even while the code producing them never gives the event loop a
 * turn (a graph making its tokens in one run of promise jobs, as a fast model does): under npm start (to the client)
 * and on Lambda (to the runtime's response stream, a node:http request). The receiving end runs in a worker thread,
 * with its own event loop, and tells the producer through shared memory when it has the first token; the producer
 * says in its last line whether that happened while it was still producing.
 */
import { request } from "node:http";
import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { streamingHandler } from "../../lib/http/lambda-url.js";
import { startLocalServer, type LocalServer } from "../../lib/local/http-server.js";
import { invocationContext } from "../../lib/local/lambda-context.js";
import { installAwslambdaGlobal } from "../../lib/local/streamify-shim.js";

/** In the worker: reads a response (`url`), or serves one request and reads its body (no `url`); posts the text. */
const RECEIVER = `
const { workerData, parentPort } = require("node:worker_threads");
const http = require("node:http");
const seen = new Int32Array(workerData.shared);
const read = (stream, done) => {
  let text = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk) => {
    text += chunk;
    if (text.includes("token 1\\n")) Atomics.store(seen, 0, 1);
  });
  stream.on("end", () => done(text));
};
if (workerData.url) {
  http.get(workerData.url, (res) => read(res, (text) => parentPort.postMessage({ text })));
} else {
  const server = http.createServer((req, res) => read(req, (text) => {
    res.end();
    server.close();
    parentPort.postMessage({ text });
  }));
  server.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: server.address().port }));
}
`;

const shared = new SharedArrayBuffer(4);
const seen = new Int32Array(shared);
const TOKENS = "token 1\ntoken 2\ntoken 3\n";

/** The app: a plain-text stream that starts, then makes its tokens and waits for the reader, in promise jobs only. */
const handler = streamingHandler(async (request) => {
  // /at-once: the producer gives the event loop no turn from the start, not even for the status line and headers.
  const atOnce = new URL(request.url).pathname === "/at-once";
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(encoder.encode("start\n"));
      if (atOnce) await Promise.resolve();
      else await new Promise((resolve) => setTimeout(resolve, 50)); // the status line and headers go out
      for (const token of TOKENS.split(/(?<=\n)/)) {
        controller.enqueue(encoder.encode(token));
        await Promise.resolve();
      }
      const giveUp = Date.now() + 10_000;
      while (Atomics.load(seen, 0) === 0 && Date.now() < giveUp) await Promise.resolve();
      controller.enqueue(encoder.encode(Atomics.load(seen, 0) ? "read while producing\n" : "held back\n"));
      controller.close();
    },
  });
  return new Response(body, { headers: { "content-type": "text/plain" } });
});

function receiver(url?: string): { worker: Worker; messages: AsyncIterator<{ port?: number; text?: string }> } {
  const worker = new Worker(RECEIVER, { eval: true, workerData: { url, shared } });
  const queue: { port?: number; text?: string }[] = [];
  let wake: (() => void) | undefined;
  worker.on("message", (message: { port?: number; text?: string }) => {
    queue.push(message);
    wake?.();
  });
  const messages = {
    async next() {
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      return { done: false as const, value: queue.shift()! };
    },
  };
  return { worker, messages };
}

let server: LocalServer;
beforeAll(async () => {
  installAwslambdaGlobal();
  server = await startLocalServer({ handler, port: 0, host: "127.0.0.1" });
});
afterAll(() => server.close());
beforeEach(() => Atomics.store(seen, 0, 0));

describe("a streamed response", () => {
  it("under npm start, reaches the client chunk by chunk while its producer is still running promise jobs", async () => {
    const { worker, messages } = receiver(server.url);
    const { value } = await messages.next();
    await worker.terminate();
    expect(value.text).toBe(`start\n${TOKENS}read while producing\n`);
  }, 30_000);

  it("under npm start, gets its status line and headers to the client while a producer that starts at once runs promise jobs", async () => {
    const { worker, messages } = receiver(`${server.url}/at-once`);
    const { value } = await messages.next();
    await worker.terminate();
    expect(value.text).toBe(`start\n${TOKENS}read while producing\n`);
  }, 30_000);

  it("on Lambda, reaches the runtime's response stream (a node:http request) chunk by chunk, the same way", async () => {
    const { worker, messages } = receiver();
    const { port } = (await messages.next()).value;
    const runtimeRequest = runtimeResponseStream(port);
    await handler({} as never, runtimeRequest as never, invocationContext("stream-delivery-test"));
    const { text } = (await messages.next()).value;
    await worker.terminate();
    // The prelude (JSON, 8 NUL bytes), then the body.
    expect(text!.slice(text!.indexOf("\0".repeat(8)) + 8)).toBe(`start\n${TOKENS}read while producing\n`);
  }, 30_000);

  it("on Lambda, gets its prelude and chunks to the runtime's response stream while a producer that starts at once runs promise jobs", async () => {
    const { worker, messages } = receiver();
    const { port } = (await messages.next()).value;
    const runtimeRequest = runtimeResponseStream(port);
    // Connected, as the runtime's request is by the time an API request's run makes its tokens (after DynamoDB).
    await new Promise((resolve) => runtimeRequest.once("socket", (socket) => socket.once("connect", resolve)));
    await handler({ rawPath: "/at-once" } as never, runtimeRequest as never, invocationContext("stream-delivery-test"));
    const { text } = (await messages.next()).value;
    await worker.terminate();
    // The prelude (JSON, 8 NUL bytes), then the body.
    expect(text!.slice(text!.indexOf("\0".repeat(8)) + 8)).toBe(`start\n${TOKENS}read while producing\n`);
  }, 30_000);
});

/** As the Lambda runtime does: a chunked POST to the runtime API, handed to the handler as its response stream. */
function runtimeResponseStream(port: number) {
  return request({ host: "127.0.0.1", port, method: "POST", headers: { "transfer-encoding": "chunked" } });
}
