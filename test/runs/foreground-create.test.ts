/**
 * Creating a foreground run (a streamed or waited run that executes in the API function holding the connection,
 * lib/runs/foreground.ts): its item is written while it takes its thread, so one round trip to DynamoDB comes
 * before its graph starts instead of two; and a run refused its thread leaves nothing behind, as before.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { loadGraphs } from "../../lib/graphs/registry.js";
import { HttpError } from "../../lib/http/errors.js";
import { createPlatform, now, type Platform } from "../../lib/platform.js";
import { ForegroundQueue, foregroundInvocation } from "../../lib/runs/foreground.js";
import { executeRun } from "../../lib/runs/worker.js";
import {
  createAssistant,
  deleteAssistant,
  ensureDefaultAssistants,
  patchAssistant,
} from "../../lib/services/assistants.js";
import { BUSY_MESSAGE, createRun } from "../../lib/services/runs.js";
import { newThread } from "../../lib/stores/thread-store.js";
import type { TableNames } from "../../lib/tables/definitions.js";
import { startTestDynamo, type TestDynamo } from "../helpers/dynamo.js";
import { RecordingQueue } from "../helpers/recording-queue.js";

let dynamo: TestDynamo;
let tables: TableNames;
let client: DynamoDBDocumentClient;
let sqs: RecordingQueue;
let p: Platform;
/** Set per test: runs before each thread-taking write (the conditional UpdateItem that sets active_run). */
let beforeTake: () => Promise<void> = async () => undefined;
/** Set per test: runs before each write of a run item. */
let onRunWrite: () => void = () => undefined;
/** Set per test: runs before each read of an assistant. */
let beforeAssistantRead: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  tables = await dynamo.freshTables();
  client = dynamo.newClient();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName?: string; ConditionExpression?: string; RequestItems?: object };
      if (/^BatchWrite/.test(String(context.commandName)) && input.RequestItems && tables.runs in input.RequestItems)
        onRunWrite();
      if (
        /^Update/.test(String(context.commandName)) &&
        input.TableName === tables.threads &&
        input.ConditionExpression?.includes("attribute_not_exists(active_run)")
      )
        await beforeTake();
      if (/^GetItem/.test(String(context.commandName)) && input.TableName === tables.assistants)
        await beforeAssistantRead();
      return next(args);
    },
    { step: "initialize", name: "watchRunCreation" },
  );
  sqs = new RecordingQueue();
  const queue = new ForegroundQueue(sqs);
  p = createPlatform({ client, tables, graphs: await loadGraphs("langgraph.json"), queue });
  queue.setExecutor((message, invocation) => executeRun(p, message, invocation));
  await ensureDefaultAssistants(p);
}, 60_000);
afterAll(async () => dynamo?.close());
beforeEach(() => {
  beforeTake = async () => undefined;
  onRunWrite = () => undefined;
  beforeAssistantRead = async () => undefined;
  sqs.sent = [];
});

/** createRun as a `runs/wait` request in the API function does it: inside a foreground invocation. */
const createForeground = (threadId: string, input: Record<string, unknown> = { count: 1 }, assistantId = "simple") =>
  foregroundInvocation({ remainingMs: () => 900_000 }, () =>
    createRun(p, threadId, { assistant_id: assistantId, input }, { onDisconnect: "continue" }),
  );

/** Resolves true once `happened` has, false after 2 s (when it would only come after what waits for it). */
const within2s = (happened: Promise<void>) =>
  Promise.race([happened.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2_000))]);

async function freshThread(): Promise<string> {
  const threadId = randomUUID();
  await p.threads.create(newThread(threadId, {}));
  return threadId;
}

describe("a foreground run", () => {
  it("is stored while it takes its thread: the take does not wait for the write, nor the write for the take", async () => {
    const threadId = await freshThread();
    // The take is held until the run's item is on its way (or 2 s have passed, when it would only follow the take).
    let stored!: () => void;
    const runWritten = new Promise<void>((resolve) => (stored = resolve));
    onRunWrite = () => stored();
    let writtenDuringTake = false;
    beforeTake = async () => {
      writtenDuringTake = await within2s(runWritten);
    };
    const run = await createForeground(threadId);
    expect(writtenDuringTake).toBe(true);
    // It ran here, to the end, and holds its thread no more.
    expect(sqs.sent).toEqual([]);
    expect((await p.runs.get(threadId, run.run_id))?.status).toBe("success");
    expect((await p.threads.get(threadId))?.active_run).toBeUndefined();
  });

  it("refused a busy thread is answered 409 as before, and nothing of it is left", async () => {
    const threadId = await freshThread();
    const holder = randomUUID();
    expect(await p.threads.acquire(threadId, holder, now())).toBe("acquired");
    const refused = await createForeground(threadId).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(HttpError);
    expect(refused).toMatchObject({ status: 409, message: BUSY_MESSAGE });
    expect(await p.runs.list(threadId, { limit: 10, offset: 0 })).toEqual([]);
    expect((await p.threads.get(threadId))?.active_run).toBe(holder);
    expect(sqs.sent).toEqual([]);
  });

  it("on a thread written since this process read it is created once, from the thread as written", async () => {
    const threadId = await freshThread();
    await p.threads.get(threadId); // this process's copy
    await dynamo.newClient().send(
      // Another process writes the thread: the copy no longer holds.
      new UpdateCommand({
        TableName: tables.threads,
        Key: { pk: threadId, sk: "thread" },
        UpdateExpression: "SET updated_at = :now, metadata.#owner = :owner",
        ExpressionAttributeNames: { "#owner": "owner" },
        ExpressionAttributeValues: { ":now": now(), ":owner": "b" },
      }),
    );
    const run = await createForeground(threadId);
    expect(run.metadata).toMatchObject({ owner: "b" });
    expect((await p.runs.list(threadId, { limit: 10, offset: 0 })).map((r) => r.run_id)).toEqual([run.run_id]);
    expect((await p.runs.get(threadId, run.run_id))?.status).toBe("success");
  });

  it("on a thread and with an assistant this process has read, reads the assistant again while it takes the thread", async () => {
    const threadId = await freshThread();
    await createForeground(threadId); // this process has read the assistant, and freed the thread
    let taking!: () => void;
    const takeSent = new Promise<void>((resolve) => (taking = resolve));
    beforeTake = async () => taking();
    let readDuringTake: boolean | undefined;
    beforeAssistantRead = async () => {
      readDuringTake = await within2s(takeSent);
    };
    const run = await createForeground(threadId, { count: 2 });
    expect(readDuringTake).toBe(true);
    expect((await p.runs.get(threadId, run.run_id))?.status).toBe("success");
  });

  it("with an assistant another process changed since this one read it, runs with the assistant as changed", async () => {
    const assistant = await createAssistant(p, { graph_id: "simple", metadata: { team: "a" } });
    const threadId = await freshThread();
    const first = await createForeground(threadId, { count: 1 }, assistant.assistant_id);
    expect(first.metadata).toMatchObject({ team: "a" });
    // Another API function (its own client and memory) changes the assistant.
    const other = createPlatform({ client: dynamo.newClient(), tables, graphs: p.graphs, queue: sqs });
    await patchAssistant(other, assistant.assistant_id, { metadata: { team: "b" } });
    const second = await createForeground(threadId, { count: 2 }, assistant.assistant_id);
    expect(second.metadata).toMatchObject({ team: "b" });
    expect((await p.runs.get(threadId, second.run_id))?.status).toBe("success");
    expect((await p.runs.list(threadId, { limit: 10, offset: 0 })).map((r) => r.run_id).sort()).toEqual(
      [first.run_id, second.run_id].sort(),
    );
    expect((await p.threads.get(threadId))?.metadata).toMatchObject({ assistant_id: assistant.assistant_id });
  });

  it("with an assistant another process deleted since, on a busy thread, is answered 404 as when it is read first", async () => {
    const assistant = await createAssistant(p, { graph_id: "simple" });
    const threadId = await freshThread();
    await createForeground(threadId, { count: 1 }, assistant.assistant_id);
    expect(await p.threads.acquire(threadId, randomUUID(), now())).toBe("acquired");
    await p.threads.get(threadId); // this process's copy: held
    const other = createPlatform({ client: dynamo.newClient(), tables, graphs: p.graphs, queue: sqs });
    await deleteAssistant(other, assistant.assistant_id, false);
    const refused = await createForeground(threadId, { count: 2 }, assistant.assistant_id).catch((err: unknown) => err);
    expect(refused).toMatchObject({ status: 404 });
    expect((await p.runs.list(threadId, { limit: 10, offset: 0 })).length).toBe(1);
  });
});
