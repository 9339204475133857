/**
 * The real Lambda entry points — functions/api.ts through the streamify shim, functions/worker.ts with SQS
 * events — fed the sample events in test/events/, against the embedded DynamoDB. The queue records what the
 * API sends, and the test delivers it to the worker as the SQS event source would.
 */
import { readFileSync } from "node:fs";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Context, LambdaFunctionURLEvent, SQSEvent, SQSRecord } from "aws-lambda";
import { createDocumentClient } from "../../lib/dynamo/client.js";
import { loadGraphs, registryOf, type CompiledGraph } from "../../lib/graphs/registry.js";
import { installAwslambdaGlobal } from "../../lib/local/streamify-shim.js";
import { createPlatform, type Platform } from "../../lib/platform.js";
import type { RunMessage, RunQueue } from "../../lib/runs/queue.js";
import { executeRun } from "../../lib/runs/worker.js";
import { setPlatform } from "../../lib/runtime.js";
import type { TableNames } from "../../lib/tables/definitions.js";
import { Annotation, END, START, StateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";
import { startTestDynamo, type TestDynamo } from "../helpers/dynamo.js";

/** The API's queue, recording what it sends; the test plays the SQS event source. */
class RecordingQueue implements RunQueue {
  sent: RunMessage[] = [];
  async send(message: RunMessage): Promise<void> {
    this.sent.push(JSON.parse(JSON.stringify(message)));
  }
  take(): RunMessage[] {
    const sent = this.sent;
    this.sent = [];
    return sent;
  }
}

const urlEvent: LambdaFunctionURLEvent = JSON.parse(readFileSync("test/events/function-url.json", "utf8"));
const sqsTemplate: SQSEvent = JSON.parse(readFileSync("test/events/sqs.json", "utf8"));

function apiEvent(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): LambdaFunctionURLEvent {
  const [rawPath, rawQueryString = ""] = path.split("?");
  return {
    ...urlEvent,
    rawPath,
    rawQueryString,
    headers: { ...urlEvent.headers, ...headers },
    requestContext: { ...urlEvent.requestContext, http: { ...urlEvent.requestContext.http, method, path: rawPath } },
    body: body === undefined ? undefined : JSON.stringify(body),
  };
}

function sqsEvent(messages: (RunMessage | string)[], options: { fifo?: boolean } = {}): SQSEvent {
  const template = sqsTemplate.Records[0];
  return {
    Records: messages.map((message, i): SQSRecord => ({
      ...template,
      messageId: `msg-${i}`,
      body: typeof message === "string" ? message : JSON.stringify(message),
      eventSourceARN: options.fifo === false ? template.eventSourceARN.replace(".fifo", "") : template.eventSourceARN,
    })),
  };
}

const context = (remainingMs = 900_000): Context =>
  ({ getRemainingTimeInMillis: () => remainingMs, awsRequestId: "test", functionName: "worker" }) as unknown as Context;

/** A response stream that keeps what the handler wrote, and reads the prelude back as the function URL does. */
class CapturedResponse extends Writable {
  private chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void) {
    this.chunks.push(Buffer.from(chunk));
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
let tables: TableNames;
let queue: RecordingQueue;
let platform: Platform;
let api: (event: LambdaFunctionURLEvent, stream: Writable, context: Context) => Promise<void>;
let worker: (event: SQSEvent, context: Context) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;

/** Node "second" hangs on the first attempt (a worker that dies mid-run), and completes on later ones. */
const crashGraph = new StateGraph(
  Annotation.Root({ steps: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }) }),
)
  .addNode("first", () => ({ steps: ["first"] }))
  .addNode("second", (_s, config: LangGraphRunnableConfig) =>
    config.metadata?.run_attempt === 1 ? new Promise<never>(() => undefined) : { steps: ["second"] },
  )
  .addEdge(START, "first")
  .addEdge("first", "second")
  .addEdge("second", END)
  .compile();

async function callApi(method: string, path: string, body?: unknown) {
  const response = new CapturedResponse();
  await api(apiEvent(method, path, body), response, context());
  return response.result();
}

beforeAll(async () => {
  dynamo = await startTestDynamo();
  tables = await dynamo.freshTables();
  queue = new RecordingQueue();
  const fromConfig = await loadGraphs("langgraph.json");
  const graphs = new Map<string, CompiledGraph>(
    await Promise.all(fromConfig.ids().map(async (id) => [id, await fromConfig.get(id)] as const)),
  );
  graphs.set("crash", crashGraph as unknown as CompiledGraph);
  platform = createPlatform({
    client: dynamo.client,
    tables,
    graphs: registryOf(graphs),
    queue,
    options: { leaseMs: 300, cancelPollMs: 50 },
  });
  setPlatform(platform);
  installAwslambdaGlobal();
  api = (await import("../../functions/api.js")).handler as never;
  worker = (await import("../../functions/worker.js")).handler as never;
});
afterAll(async () => {
  await dynamo.close();
});

describe("functions/api.ts", () => {
  it("answers the sample function URL event with the JSON a client expects", async () => {
    const response = new CapturedResponse();
    await api(urlEvent, response, context());
    const { statusCode, headers, body } = response.result();
    expect(statusCode).toBe(200);
    expect(headers["content-type"]).toBe("application/json");
    expect(JSON.parse(body)).toMatchObject({ metadata: { source: "sample-event" }, status: "idle" });
  });

  it("streams a run's SSE to the end once the worker has run it", async () => {
    const thread = JSON.parse((await callApi("POST", "/threads", {})).body);
    const streaming = callApi("POST", `/threads/${thread.thread_id}/runs/stream`, {
      assistant_id: "simple",
      input: { count: 2 },
    });
    await waitFor(() => queue.sent.length === 1);
    expect(await worker(sqsEvent(queue.take()), context())).toEqual({ batchItemFailures: [] });
    const { statusCode, headers, body } = await streaming;
    expect(statusCode).toBe(200);
    expect(headers["content-type"]).toBe("text/event-stream");
    const events = [...body.matchAll(/^event: (.+)$/gm)].map((m) => m[1]);
    expect(events).toEqual(["metadata", "values", "values", "values"]); // the response ends: no `end` event on the wire
    expect(body).toContain(`data: {"count":6,"trail":["increment","double"]}`);
  });
});

describe("functions/worker.ts", () => {
  it("reports only the message that failed (standard queue), and every later one on a FIFO queue", async () => {
    const good = await createRun("simple", { count: 1 });
    const alsoGood = await createRun("simple", { count: 1 });
    const standard = await worker(sqsEvent([good, "{not json", alsoGood], { fifo: false }), context());
    expect(standard.batchItemFailures).toEqual([{ itemIdentifier: "msg-1" }]);
    expect((await platform.runs.get(good.thread_id, good.run_id))?.status).toBe("success");
    expect((await platform.runs.get(alsoGood.thread_id, alsoGood.run_id))?.status).toBe("success");

    const third = await createRun("simple", { count: 1 });
    const fifo = await worker(sqsEvent(['{"run_id": 42}', third], { fifo: true }), context());
    expect(fifo.batchItemFailures).toEqual([{ itemIdentifier: "msg-0" }, { itemIdentifier: "msg-1" }]);
    expect((await platform.runs.get(third.thread_id, third.run_id))?.status).toBe("pending"); // left for the retry
  });

  it("does not run the graph twice for a duplicate delivery", async () => {
    const run = await createRun("simple", { count: 1 });
    expect(await worker(sqsEvent([run, run]), context())).toEqual({ batchItemFailures: [] });
    await worker(sqsEvent([run]), context());
    const events = await platform.events.read(run.run_id, -1);
    expect(events.filter((e) => e.event === "metadata")).toHaveLength(1);
    expect(events.filter((e) => e.event === "end")).toHaveLength(1);
    const history = [];
    for await (const t of platform.checkpointer.list({ configurable: { thread_id: run.thread_id, checkpoint_ns: "" } }))
      history.push(t);
    expect(history).toHaveLength(4);
  });

  it("hands a run back near the deadline and finishes it in a second invocation, with one continuous stream", async () => {
    const run = await createRun("simple", { count: 5 }, ["values"]);
    // 80 s left: under the 90 s margin, so the worker stops at the first step boundary.
    expect(await worker(sqsEvent([run]), context(80_000))).toEqual({ batchItemFailures: [] });
    expect((await platform.runs.get(run.thread_id, run.run_id))?.status).toBe("pending");
    expect((await platform.threads.get(run.thread_id))?.active_run).toBe(run.run_id); // still holds the thread
    const handedBack = queue.take();
    expect(handedBack).toEqual([{ run_id: run.run_id, thread_id: run.thread_id, attempt: 1 }]);
    const partial = await platform.events.read(run.run_id, -1);
    expect(partial.map((e) => e.event)).not.toContain("end");

    expect(await worker(sqsEvent(handedBack), context())).toEqual({ batchItemFailures: [] });
    const finished = await platform.runs.get(run.thread_id, run.run_id);
    expect(finished).toMatchObject({ status: "success", attempt: 2 });
    const events = await platform.events.read(run.run_id, -1);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i)); // one stream: ids continue across invocations
    expect(events.map((e) => e.event)).toEqual(["metadata", "values", "values", "values", "end"]);
    expect(events[3].data).toEqual({ count: 12, trail: ["increment", "double"] }); // each node ran once
    expect((await platform.threads.get(run.thread_id))?.status).toBe("idle");
  });

  it("resumes a run whose worker died mid-run from its last checkpoint when the message comes back", async () => {
    const run = await createRun("crash", {});
    // Worker A (its own client) runs step "first", then hangs in "second"; then its process dies: it stops
    // renewing the lease. Its platform shares only the tables with the rest.
    const clientA = createDocumentClient({ endpoint: dynamo.endpoint });
    let dead = false;
    clientA.middlewareStack.add(
      (next) => async (args) => {
        if (dead) throw new Error("process killed");
        return next(args);
      },
      { step: "initialize", name: "killSwitch" },
    );
    const workerA = createPlatform({
      client: clientA,
      tables,
      graphs: platform.graphs,
      queue,
      // Long enough that the first redelivery below comes while the lease is valid, even on a loaded machine.
      options: { leaseMs: 1_500, cancelPollMs: 50 },
    });
    void executeRun(workerA, run);
    await waitFor(
      async () =>
        (await platform.checkpointer.getTuple({ configurable: { thread_id: run.thread_id } }))?.checkpoint
          .channel_values.steps !== undefined,
    );
    dead = true; // the process is gone: no more lease renewals, no more writes
    // The message is redelivered while the lease is still valid: the live-looking worker keeps the run.
    expect(await worker(sqsEvent([run]), context())).toEqual({ batchItemFailures: [] });
    expect((await platform.runs.get(run.thread_id, run.run_id))?.attempt).toBe(1);
    // Redelivered after the lease ran out: worker B takes over and resumes after "first".
    await new Promise((r) => setTimeout(r, 1_600));
    expect(await worker(sqsEvent([run]), context())).toEqual({ batchItemFailures: [] });
    const finished = await platform.runs.get(run.thread_id, run.run_id);
    expect(finished).toMatchObject({ status: "success", attempt: 2 });
    const state = await platform.checkpointer.getTuple({ configurable: { thread_id: run.thread_id } });
    expect(state?.checkpoint.channel_values.steps).toEqual(["first", "second"]); // "first" did not run again
    expect((await platform.threads.get(run.thread_id))?.status).toBe("idle");
  });
});

async function createRun(assistantId: string, input: unknown, streamMode?: string[]): Promise<RunMessage> {
  const thread = JSON.parse((await callApi("POST", "/threads", {})).body);
  const created = await callApi("POST", `/threads/${thread.thread_id}/runs`, {
    assistant_id: assistantId,
    input,
    stream_mode: streamMode,
  });
  expect(created.statusCode).toBe(200);
  const run = JSON.parse(created.body);
  expect(queue.take()).toEqual([{ run_id: run.run_id, thread_id: thread.thread_id }]);
  return { run_id: run.run_id, thread_id: thread.thread_id };
}

async function waitFor(condition: () => boolean | Promise<boolean>) {
  for (let i = 0; i < 200; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("condition never held");
}
