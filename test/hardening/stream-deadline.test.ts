/**
 * Streams that follow a thread (GET /threads/{id}/stream, the protocol's POST /threads/{id}/stream/events) end
 * cleanly before the Lambda function's timeout, instead of being cut by it (a whole timeout billed, the
 * invocation an error). Driven through functions/api.ts with an invocation that has little time left.
 */
import { readFileSync } from "node:fs";
import { Writable } from "node:stream";
import type { Context, LambdaFunctionURLEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadGraphs } from "../../lib/graphs/registry.js";
import { STREAM_END_MARGIN_MS } from "../../lib/http/invocation-deadline.js";
import { installAwslambdaGlobal } from "../../lib/local/streamify-shim.js";
import { createPlatform, type Platform } from "../../lib/platform.js";
import { InProcessQueue } from "../../lib/runs/queue.js";
import { executeRun } from "../../lib/runs/worker.js";
import { setPlatform } from "../../lib/runtime.js";
import { ensureDefaultAssistants } from "../../lib/services/assistants.js";
import { startTestDynamo, type TestDynamo } from "../helpers/dynamo.js";

const urlEvent: LambdaFunctionURLEvent = JSON.parse(readFileSync("test/events/function-url.json", "utf8"));
const apiEvent = (method: string, path: string, body?: unknown): LambdaFunctionURLEvent => ({
  ...urlEvent,
  rawPath: path,
  rawQueryString: "",
  headers: { ...urlEvent.headers, "content-type": "application/json" },
  requestContext: { ...urlEvent.requestContext, http: { ...urlEvent.requestContext.http, method, path } },
  body: body === undefined ? undefined : JSON.stringify(body),
});

/** An invocation with `ms` left before its timeout. */
const invocationWith = (ms: number): Context => {
  const end = Date.now() + ms;
  return {
    getRemainingTimeInMillis: () => end - Date.now(),
    awsRequestId: "test",
    functionName: "api",
  } as unknown as Context;
};

class CapturedResponse extends Writable {
  private chunks: Buffer[] = [];
  ended = false;
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void) {
    this.chunks.push(Buffer.from(chunk));
    done();
  }
  override _final(done: () => void) {
    this.ended = true;
    done();
  }
  result() {
    const all = Buffer.concat(this.chunks);
    const split = all.indexOf(Buffer.alloc(8));
    const prelude = JSON.parse(all.subarray(0, split).toString()) as {
      statusCode: number;
      headers: Record<string, string>;
    };
    return { ...prelude, body: all.subarray(split + 8).toString() };
  }
}

let dynamo: TestDynamo;
let platform: Platform;
let api: (event: LambdaFunctionURLEvent, stream: Writable, context: Context) => Promise<void>;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  const queue = new InProcessQueue();
  platform = createPlatform({
    client: dynamo.client,
    tables: await dynamo.freshTables(),
    graphs: await loadGraphs("langgraph.json"),
    queue,
  });
  queue.setConsumer(async (message) => void (await executeRun(platform, message)));
  await ensureDefaultAssistants(platform);
  setPlatform(platform);
  installAwslambdaGlobal();
  api = (await import("../../functions/api.js")).handler as never;
}, 60_000);
afterAll(async () => dynamo?.close());

async function call(method: string, path: string, body: unknown, context: Context) {
  const response = new CapturedResponse();
  await api(apiEvent(method, path, body), response, context);
  return { ...response.result(), ended: response.ended };
}

async function threadWithARun(): Promise<string> {
  const thread = JSON.parse((await call("POST", "/threads", {}, invocationWith(900_000))).body) as {
    thread_id: string;
  };
  await call(
    "POST",
    `/threads/${thread.thread_id}/runs/wait`,
    { assistant_id: "simple", input: { count: 1 } },
    invocationWith(900_000),
  );
  return thread.thread_id;
}

describe("streams that follow a thread end before the function's timeout", () => {
  it("GET /threads/{id}/stream: the invocation returns, the SSE complete, before the timeout", async () => {
    const threadId = await threadWithARun();
    const context = invocationWith(STREAM_END_MARGIN_MS + 1_500);
    const { statusCode, body, ended } = await call("GET", `/threads/${threadId}/stream`, undefined, context);
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(statusCode).toBe(200);
    expect(ended).toBe(true);
    // Every event whole (a blank line after each), ids for the client's Last-Event-ID.
    expect(body === "" || body.endsWith("\n\n")).toBe(true);
  }, 60_000);

  it("GET /threads/{id}/stream with Last-Event-ID '-': replays the run, then ends before the timeout", async () => {
    const threadId = await threadWithARun();
    const context = invocationWith(STREAM_END_MARGIN_MS + 1_500);
    const response = new CapturedResponse();
    await api(
      { ...apiEvent("GET", `/threads/${threadId}/stream`), headers: { ...urlEvent.headers, "last-event-id": "-" } },
      response,
      context,
    );
    const { body } = response.result();
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(body).toMatch(/^event: run_done$/m);
    expect(body).toMatch(/^id: [0-9a-f-]{36}:\d+$/m);
  }, 60_000);

  it("POST /threads/{id}/stream/events: the invocation returns before the timeout", async () => {
    const threadId = await threadWithARun();
    const context = invocationWith(STREAM_END_MARGIN_MS + 1_500);
    const { statusCode, ended } = await call(
      "POST",
      `/threads/${threadId}/stream/events`,
      { channels: ["values"] },
      context,
    );
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(statusCode).toBe(200);
    expect(ended).toBe(true);
  }, 60_000);
});
