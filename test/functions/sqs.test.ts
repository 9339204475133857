/**
 * The SQS side for real: SqsQueue (the API's queue on AWS) sending to an SQS-compatible emulator (fauxqs,
 * in-process, FIFO with group locking and deduplication), drained through the worker's batch handler by a
 * stand-in for the Lambda event source mapping.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFauxqs } from "fauxqs";
import { loadGraphs } from "../../lib/graphs/registry.js";
import { createPlatform, type Platform } from "../../lib/platform.js";
import { handleRunMessages } from "../../lib/runs/sqs-batch.js";
import { SqsQueue } from "../../lib/runs/sqs-queue.js";
import { createRun } from "../../lib/services/runs.js";
import { createThread } from "../../lib/services/threads.js";
import { startTestDynamo, type TestDynamo } from "../helpers/dynamo.js";
import { pumpOnce } from "../helpers/sqs-event-source.js";

let dynamo: TestDynamo;
let server: Awaited<ReturnType<typeof startFauxqs>>;
let sqs: SQSClient;
let queueUrl: string;
let queueArn: string;
let platform: Platform;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  server = await startFauxqs({ port: 0, logger: false });
  sqs = new SQSClient({
    endpoint: server.address,
    region: "us-east-1",
    credentials: { accessKeyId: "x", secretAccessKey: "x" },
  });
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: "runs.fifo", Attributes: { FifoQueue: "true" } })))
    .QueueUrl!;
  queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] })))
    .Attributes!.QueueArn!;
  platform = createPlatform({
    client: dynamo.client,
    tables: await dynamo.freshTables(),
    graphs: await loadGraphs("langgraph.json"),
    queue: new SqsQueue(sqs, queueUrl),
  });
});
afterAll(async () => {
  sqs?.destroy();
  await server?.stop();
  await dynamo?.close();
});

const context = { getRemainingTimeInMillis: () => 900_000 };
const drain = async () => {
  let total = 0;
  for (let n = -1; n !== 0; total += n)
    n = await pumpOnce(sqs, queueUrl, queueArn, (event) => handleRunMessages(platform, event, context));
  return total;
};

describe("runs through SQS", () => {
  it("delivers run messages, one thread's runs in order, and executes them", async () => {
    const a = await createThread(platform, {});
    const b = await createThread(platform, {});
    const first = await createRun(
      platform,
      a.thread_id,
      {
        assistant_id: "agent",
        input: { messages: [{ type: "human", content: "one" }] },
        multitask_strategy: "enqueue",
      },
      { onDisconnect: "continue" },
    );
    const second = await createRun(
      platform,
      a.thread_id,
      {
        assistant_id: "agent",
        input: { messages: [{ type: "human", content: "two" }] },
        multitask_strategy: "enqueue",
      },
      { onDisconnect: "continue" },
    );
    const other = await createRun(
      platform,
      b.thread_id,
      { assistant_id: "simple", input: { count: 1 } },
      { onDisconnect: "continue" },
    );
    expect(await drain()).toBeGreaterThanOrEqual(3); // first, other, and second once the first handed the thread over
    for (const run of [first, second, other])
      expect((await platform.runs.get(run.thread_id, run.run_id))?.status).toBe("success");
    const state = await platform.checkpointer.getTuple({ configurable: { thread_id: a.thread_id } });
    const messages = state!.checkpoint.channel_values.messages as { content: string }[];
    expect(messages.map((m) => m.content)).toEqual(["one", "You said: one", "two", "You said: two"]);
  });

  it("drops a duplicate send of the same message (FIFO deduplication id = run id + attempt)", async () => {
    const thread = await createThread(platform, {});
    const run = await createRun(
      platform,
      thread.thread_id,
      { assistant_id: "simple", input: { count: 1 } },
      { onDisconnect: "continue" },
    );
    await platform.queue.send({ run_id: run.run_id, thread_id: thread.thread_id }); // e.g. a retried request
    expect(await drain()).toBe(1);
    expect((await platform.runs.get(thread.thread_id, run.run_id))?.status).toBe("success");
  });
});
