/**
 * A foreground run (lib/runs/foreground.ts) on a thread whose latest checkpoint this process knows as of the thread
 * item its take is conditional on: the conversation's next message after a run this process executed, or the first
 * one on a thread it created. It reads no checkpoint before it starts (lib/services/foreground-runs.ts), and starts
 * from the state a read would have given it; a thread written since by another process is read as before.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createApp } from "../../lib/api/app.js";
import { loadGraphs } from "../../lib/graphs/registry.js";
import { createPlatform, type Platform } from "../../lib/platform.js";
import { ForegroundQueue, foregroundInvocation } from "../../lib/runs/foreground.js";
import { executeRun } from "../../lib/runs/worker.js";
import { ensureDefaultAssistants } from "../../lib/services/assistants.js";
import { createRun } from "../../lib/services/runs.js";
import { getState, updateState } from "../../lib/services/state.js";
import { createThread } from "../../lib/services/threads.js";
import type { TableNames } from "../../lib/tables/definitions.js";
import { startTestDynamo, type TestDynamo } from "../helpers/dynamo.js";
import { RecordingQueue } from "../helpers/recording-queue.js";

let dynamo: TestDynamo;
let tables: TableNames;
let client: DynamoDBDocumentClient;
let sqs: RecordingQueue;
/** The API function: foreground runs on. */
let p: Platform;
/** Another API function, with its own client and memory. */
let other: Platform;
/** The requests this process sent to the checkpoints table that read it, by command. */
let checkpointReads: string[] = [];

beforeAll(async () => {
  dynamo = await startTestDynamo();
  tables = await dynamo.freshTables();
  client = dynamo.newClient();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { TableName?: string; RequestItems?: object };
      const command = String(context.commandName);
      const table = input.TableName ?? Object.keys(input.RequestItems ?? {})[0];
      if (table === tables.checkpoints && /^(Query|GetItem|BatchGetItem|Scan)/.test(command))
        checkpointReads.push(command);
      return next(args);
    },
    { step: "initialize", name: "countCheckpointReads" },
  );
  sqs = new RecordingQueue();
  const queue = new ForegroundQueue(sqs);
  const graphs = await loadGraphs("langgraph.json");
  p = createPlatform({ client, tables, graphs, queue });
  queue.setExecutor((message, invocation) => executeRun(p, message, invocation));
  await ensureDefaultAssistants(p);
  const otherQueue = new ForegroundQueue(new RecordingQueue());
  other = createPlatform({ client: dynamo.newClient(), tables, graphs, queue: otherQueue });
  otherQueue.setExecutor((message, invocation) => executeRun(other, message, invocation));
}, 60_000);
afterAll(async () => dynamo?.close());
beforeEach(() => {
  checkpointReads = [];
  sqs.sent = [];
});

/** A message of the conversation, as a `runs/wait` request in the API function `on` sends it; resolves once run. */
const say = (threadId: string, input: Record<string, unknown>, graph = "agent", on = p) =>
  foregroundInvocation({ remainingMs: () => 900_000 }, () =>
    createRun(on, threadId, { assistant_id: graph, input }, { onDisconnect: "continue" }),
  );

const human = (content: string) => ({ messages: [{ role: "user", content }] });

/** The thread's messages as a client reads them: [type, content]. */
async function messages(threadId: string): Promise<[string, unknown][]> {
  const state = (await getState(other, threadId, {})) as { values: { messages: { type: string; content: unknown }[] } };
  return state.values.messages.map((m) => [m.type, m.content]);
}

describe("a foreground run whose thread's latest checkpoint this process knows", () => {
  it("on a thread this process created (POST /threads) reads no checkpoint before it starts", async () => {
    const request = new Request("http://localhost/threads", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    const { thread_id } = (await (await createApp()(request, p)).json()) as { thread_id: string };
    await say(thread_id, human("hello"));
    // Its state read after the run is not counted: it is answered by the checkpoint the run put (DynamoDBSaver.lastOfRun).
    expect(checkpointReads).toEqual([]);
    expect(await messages(thread_id)).toEqual([
      ["human", "hello"],
      ["ai", "You said: hello"],
    ]);
  });

  it("the conversation's next message starts from the state the last one left, with messages as objects, read from nowhere", async () => {
    const { thread_id } = await createThread(p, {});
    await say(thread_id, human("hello"));
    checkpointReads = [];
    // The agent calls its tool for a human message about the time: it reads the last message's type (a message object).
    await say(thread_id, human("what time is it?"));
    await say(thread_id, human("thanks"));
    expect(checkpointReads).toEqual([]);
    const got = await messages(thread_id);
    expect(got.map(([type]) => type)).toEqual(["human", "ai", "human", "ai", "tool", "ai", "human", "ai"]);
    expect(got[5][1]).toMatch(/^It is \d{4}-\d\d-\d\dT.* right now\.$/);
    expect(got[7]).toEqual(["ai", "You said: thanks"]);
    // Every run of the conversation ran here, none through the queue.
    expect(sqs.sent).toEqual([]);
  });

  it("starts from what another process wrote since (a state update), read again", async () => {
    const { thread_id } = await createThread(p, {});
    await say(thread_id, { count: 1 }, "simple"); // (1 + 1) * 2
    await updateState(other, thread_id, { values: { count: 100 }, as_node: "double" });
    await p.threads.get(thread_id); // a client reads the thread here: this process has it as the update left it
    checkpointReads = [];
    await say(thread_id, { trail: [] }, "simple"); // the update's count, not this run's: (100 + 1) * 2
    expect(checkpointReads.length).toBeGreaterThan(0);
    const state = (await getState(other, thread_id, {})) as { values: { count: number; trail: string[] } };
    expect(state.values.count).toBe(202);
    expect(state.values.trail).toEqual(["increment", "double", "increment", "double"]);
  });

  it("starts from what another process's run left, read again", async () => {
    const { thread_id } = await createThread(p, {});
    await say(thread_id, human("one"));
    await say(thread_id, human("two"), "agent", other);
    await say(thread_id, human("three"));
    expect((await messages(thread_id)).map(([, content]) => content)).toEqual([
      "one",
      "You said: one",
      "two",
      "You said: two",
      "three",
      "You said: three",
    ]);
  });

  it("on a thread created with a chosen id reads its checkpoints: it may have some (an earlier thread's of that id)", async () => {
    const { thread_id } = await createThread(other, {});
    await say(thread_id, human("before"), "agent", other);
    // The thread item goes (a delete that did not get to its checkpoints), and a thread of the same id is created here.
    await other.threads.delete(thread_id);
    await createThread(p, { thread_id });
    checkpointReads = [];
    await say(thread_id, human("after"));
    expect(checkpointReads.length).toBeGreaterThan(0);
    expect((await messages(thread_id)).map(([, content]) => content)).toEqual([
      "before",
      "You said: before",
      "after",
      "You said: after",
    ]);
  });
});
