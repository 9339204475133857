/**
 * The AWS sweep (functions/worker.ts on the minute tick, lib/runs/sweep.ts) against the real SQS emulator (fauxqs,
 * FIFO with group locking): a worker that dies mid-run leaves its message in flight, which blocks the thread's
 * message group; the sweep finds the run by its expired lease, sends it again in a group of its own, the run resumes
 * from its checkpoint (no step repeated), and the dead worker's message, delivered late, does nothing.
 * Also: a pending run whose message was lost, and runs waiting behind a run that finished without freeing its thread.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import type { Context, SQSEvent } from "aws-lambda";
import { startFauxqs } from "fauxqs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDocumentClient } from "../../lib/dynamo/client.js";
import { RequestMeter } from "../../lib/dynamo/request-meter.js";
import { loadGraphs, type GraphRegistry } from "../../lib/graphs/registry.js";
import { createPlatform, now, type Platform } from "../../lib/platform.js";
import { CRON_TICK_EVENT } from "../../lib/runs/cron-tick.js";
import type { RunMessage, RunQueue } from "../../lib/runs/queue.js";
import { SqsQueue } from "../../lib/runs/sqs-queue.js";
import { sweepRuns } from "../../lib/runs/sweep.js";
import { executeRun } from "../../lib/runs/worker.js";
import { setPlatform } from "../../lib/runtime.js";
import { ensureDefaultAssistants } from "../../lib/services/assistants.js";
import { createRun } from "../../lib/services/runs.js";
import { newThread } from "../../lib/stores/thread-store.js";
import { PENDING_LEASE_MS, RUN_LEASE_SHARDS } from "../../lib/stores/run-store.js";
import type { TableNames } from "../../lib/tables/definitions.js";
import { startTestDynamo, type TestDynamo } from "../helpers/dynamo.js";
import { pumpOnce } from "../helpers/sqs-event-source.js";

const dir = mkdtempSync(join(tmpdir(), "lambdagraph-sweep-"));
let dynamo: TestDynamo;
let fauxqs: Awaited<ReturnType<typeof startFauxqs>>;
let sqs: SQSClient;
let queueUrl: string;
let queueArn: string;
let tables: TableNames;
let graphs: GraphRegistry;
let platform: Platform;
let worker: (event: unknown, context: Context) => Promise<unknown>;
const context = { getRemainingTimeInMillis: () => 900_000 } as Context;

beforeAll(async () => {
  const config = join(dir, "langgraph.json");
  writeFileSync(
    config,
    JSON.stringify({ graphs: { steps: `${resolve("test/hardening/fixtures/steps-graph.ts")}:graph` } }),
  );
  graphs = await loadGraphs(config);
  dynamo = await startTestDynamo();
  fauxqs = await startFauxqs({ port: 0, logger: false });
  sqs = new SQSClient({
    endpoint: fauxqs.address,
    region: "us-east-1",
    credentials: { accessKeyId: "x", secretAccessKey: "x" },
  });
  queueUrl = (
    await sqs.send(new CreateQueueCommand({ QueueName: "sweep-runs.fifo", Attributes: { FifoQueue: "true" } }))
  ).QueueUrl!;
  queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] })))
    .Attributes!.QueueArn!;
  worker = (await import("../../functions/worker.js")).handler as never;
}, 60_000);

// Each test on its own tables: the sweep reads the whole index.
beforeEach(async () => {
  tables = await dynamo.freshTables();
  platform = createPlatform({ client: dynamo.client, tables, graphs, queue: new SqsQueue(sqs, queueUrl) });
  await ensureDefaultAssistants(platform);
  setPlatform(platform);
  await drain();
}, 60_000);

/** Receives the next message and keeps it in flight, as a worker that then dies would. */
async function takeInFlight() {
  const received = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, VisibilityTimeout: 900 }),
  );
  return received.Messages![0];
}

afterAll(async () => {
  sqs?.destroy();
  await fauxqs?.stop();
  await dynamo?.close();
  rmSync(dir, { recursive: true, force: true });
});

const pump = () => pumpOnce(sqs, queueUrl, queueArn, (event: SQSEvent) => worker(event, context) as never);
const drain = async () => {
  let total = 0;
  for (let n = -1; n !== 0; total += n) n = await pump();
  return total;
};
const stepsRun = (log: string) => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : []);

async function until(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * A worker process that can die: its own DynamoDB client, whose every request hangs once `kill()` is called (a
 * frozen or dead process does no more I/O: its lease is no longer renewed).
 */
function mortalWorker(leaseMs: number): { platform: Platform; kill(): void } {
  let dead = false;
  const client = createDocumentClient({ endpoint: dynamo.endpoint });
  client.middlewareStack.add((next) => (args) => (dead ? new Promise(() => undefined) : next(args)), {
    step: "initialize",
    name: "mortal",
  });
  const doomed = createPlatform({
    client,
    tables,
    graphs,
    queue: platform.queue,
    options: { leaseMs, cancelPollMs: 50 },
  });
  return { platform: doomed, kill: () => void (dead = true) };
}

async function createThread() {
  const thread = newThread(randomUUID(), {});
  await platform.threads.create(thread);
  return thread;
}

/** A queue that loses every message (a send that failed after the thread was taken, seen from the sweep's side). */
class LosingQueue implements RunQueue {
  lost: RunMessage[] = [];
  async send(message: RunMessage): Promise<void> {
    this.lost.push(message);
  }
}

describe("the sweep on AWS", () => {
  it("resumes a run whose worker died, while the dead worker's message is still in flight; that message's late delivery does nothing", async () => {
    const log = join(dir, "crash.log");
    const thread = await createThread();
    const run = await createRun(
      platform,
      thread.thread_id,
      { assistant_id: "steps", input: { log, hang_at: "s3" } },
      { onDisconnect: "continue" },
    );

    // The event source hands the message to a worker, which runs two steps, hangs in the third, and dies.
    const inFlight = await takeInFlight();
    const dying = mortalWorker(300);
    void executeRun(dying.platform, JSON.parse(inFlight.Body!) as RunMessage, { remainingMs: () => 900_000 });
    await until(async () => {
      const state = await platform.checkpointer.getTuple({
        configurable: { thread_id: thread.thread_id, checkpoint_ns: "" },
      });
      return ((state?.checkpoint.channel_values.done as string[] | undefined) ?? []).length === 2;
    }, "two steps checkpointed");
    dying.kill();
    // Its last renewal may land after the kill, but was made before it: a second later its lease has run out.
    const killedAt = Date.now();
    await until(
      async () =>
        Date.now() > killedAt + 1_000 &&
        ((await platform.runs.get(thread.thread_id, run.run_id))?.lease_until ?? Infinity) < Date.now(),
      "the lease to run out",
    );

    // Nothing can be received: the thread's group is blocked by the dead worker's message.
    expect(await pump()).toBe(0);
    expect((await platform.runs.get(thread.thread_id, run.run_id))?.status).toBe("running");

    await worker(CRON_TICK_EVENT, context);
    expect(await drain()).toBe(1);
    const finished = await platform.runs.get(thread.thread_id, run.run_id);
    expect(finished?.status).toBe("success");
    expect(finished?.attempt).toBe(2);
    expect(stepsRun(log)).toEqual(["s1", "s2", "s3", "s4", "s5"]);
    expect((await platform.threads.get(thread.thread_id))?.status).toBe("idle");

    // The dead worker's message comes back at last (its visibility timeout): a no-op.
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: inFlight.ReceiptHandle!,
        VisibilityTimeout: 0,
      }),
    );
    expect(await drain()).toBe(1);
    const after = await platform.runs.get(thread.thread_id, run.run_id);
    expect(after?.status).toBe("success");
    expect(after?.attempt).toBe(2);
    expect(stepsRun(log)).toEqual(["s1", "s2", "s3", "s4", "s5"]);

    // And the thread takes the next run.
    const next = await createRun(
      platform,
      thread.thread_id,
      { assistant_id: "steps", input: { hang_at: "" } },
      { onDisconnect: "continue" },
    );
    expect(await drain()).toBe(1);
    expect((await platform.runs.get(thread.thread_id, next.run_id))?.status).toBe("success");
  }, 60_000);

  it("sends again a pending run that holds its thread but whose message never went out", async () => {
    const losing = createPlatform({ client: dynamo.client, tables, graphs, queue: new LosingQueue() });
    const thread = await createThread();
    const first = await createRun(
      losing,
      thread.thread_id,
      { assistant_id: "steps", input: {} },
      { onDisconnect: "continue" },
    );
    expect((await platform.threads.get(thread.thread_id))?.active_run).toBe(first.run_id);

    expect((await sweepRuns(platform)).redispatched).toBe(0); // its message may still be on its way
    const report = await sweepRuns(platform, { at: Date.now() + PENDING_LEASE_MS + 1_000 });
    expect(report.redispatched).toBe(1);
    expect(await drain()).toBe(1);
    expect((await platform.runs.get(thread.thread_id, first.run_id))?.status).toBe("success");
    expect((await platform.threads.get(thread.thread_id))?.active_run).toBeUndefined();
  }, 60_000);

  it("hands the thread to the runs waiting behind a run that finished without freeing it (its worker died in between)", async () => {
    const thread = await createThread();
    const first = await createRun(
      platform,
      thread.thread_id,
      { assistant_id: "steps", input: {} },
      { onDisconnect: "continue" },
    );
    const waiting = await createRun(
      platform,
      thread.thread_id,
      { assistant_id: "steps", input: {}, multitask_strategy: "enqueue" },
      { onDisconnect: "continue" },
    );
    // The first run's worker records its status and dies before it frees the thread and promotes the next one.
    await takeInFlight();
    expect(await platform.runs.claim(thread.thread_id, first.run_id, now(), 30_000)).toBeDefined();
    expect(await platform.runs.finish(thread.thread_id, first.run_id, "success", now())).toBe(true);
    expect(await drain()).toBe(0);
    expect((await platform.runs.get(thread.thread_id, waiting.run_id))?.status).toBe("pending");

    const report = await sweepRuns(platform, { at: Date.now() + PENDING_LEASE_MS + 1_000 });
    expect(report.promoted).toBe(1);
    expect(await drain()).toBe(1);
    expect((await platform.runs.get(thread.thread_id, waiting.run_id))?.status).toBe("success");
    expect((await platform.threads.get(thread.thread_id))?.active_run).toBeUndefined();
  }, 60_000);

  it("reads only the runs whose lease ran out, not the runs table (one Query per lease shard)", async () => {
    const thread = await createThread();
    for (let i = 0; i < 10; i++) {
      await createRun(platform, thread.thread_id, { assistant_id: "steps", input: {} }, { onDisconnect: "continue" });
      await drain();
    }
    const lost = createPlatform({ client: dynamo.client, tables, graphs, queue: new LosingQueue() });
    await createRun(lost, thread.thread_id, { assistant_id: "steps", input: {} }, { onDisconnect: "continue" });
    const meter = new RequestMeter().attach(platform.client);
    meter.take();
    await sweepRuns(platform, { at: Date.now() + PENDING_LEASE_MS + 1_000 });
    const reading = meter.take();
    expect(reading.byOperation.Query).toBe(RUN_LEASE_SHARDS);
    expect(reading.byOperation.Scan ?? 0).toBe(0);
    // The expired run from the index, then the run and its thread read again: nothing of the 10 finished runs.
    expect(reading.itemsRead).toBeLessThanOrEqual(3);
  }, 60_000);

  it("on a runs table an earlier version made (no by_lease index) warns once and resumes nothing, without failing", async () => {
    const legacy = `legacy-runs-${randomUUID().slice(0, 8)}`;
    const key = (name: string) => ({ AttributeName: name, AttributeType: "S" as const });
    await dynamo.client.send(
      new CreateTableCommand({
        TableName: legacy,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [key("pk"), key("sk")],
        KeySchema: [
          { AttributeName: "pk", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
      }),
    );
    const old = createPlatform({
      client: dynamo.client,
      tables: { ...tables, runs: legacy },
      graphs,
      queue: platform.queue,
    });
    expect(await sweepRuns(old)).toMatchObject({ found: 0, failed: 0 });
    expect(await sweepRuns(old, { orphaned: true })).toMatchObject({ found: 0, failed: 0 });
  }, 60_000);

  it("leaves alone a run waiting behind a live one, and looks at it again later", async () => {
    const thread = await createThread();
    const first = await createRun(
      platform,
      thread.thread_id,
      { assistant_id: "steps", input: {} },
      { onDisconnect: "continue" },
    );
    const waiting = await createRun(
      platform,
      thread.thread_id,
      { assistant_id: "steps", input: {}, multitask_strategy: "enqueue" },
      { onDisconnect: "continue" },
    );
    // The first run is live: claimed, its lease far off.
    await takeInFlight();
    expect(await platform.runs.claim(thread.thread_id, first.run_id, now(), 10 * 60_000)).toBeDefined();
    const report = await sweepRuns(platform, { at: Date.now() + PENDING_LEASE_MS + 1_000 });
    expect(report).toMatchObject({ found: 1, postponed: 1, redispatched: 0, promoted: 0 });
    expect((await platform.runs.get(thread.thread_id, waiting.run_id))?.status).toBe("pending");
    expect((await sweepRuns(platform, { at: Date.now() + PENDING_LEASE_MS + 1_000 })).found).toBe(0);
  }, 60_000);
});
