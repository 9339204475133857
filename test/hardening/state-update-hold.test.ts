/**
 * A state update (`threads.updateState`) writes its checkpoint while holding the thread, as a run holds it: a run
 * created meanwhile is refused as busy instead of starting from the checkpoint before the update (whose history would
 * then fork, the update's checkpoint left beside the run's). Once the update is written, the thread is free again,
 * with the update's values, and the next run starts from them.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { loadGraphs } from "../../lib/graphs/registry.js";
import { HttpError } from "../../lib/http/errors.js";
import { createPlatform, type Platform } from "../../lib/platform.js";
import { ensureDefaultAssistants } from "../../lib/services/assistants.js";
import { BUSY_MESSAGE, createRun } from "../../lib/services/runs.js";
import { getState, updateState } from "../../lib/services/state.js";
import { newThread } from "../../lib/stores/thread-store.js";
import type { TableNames } from "../../lib/tables/definitions.js";
import { startTestDynamo, type TestDynamo } from "../helpers/dynamo.js";
import { RecordingQueue } from "../helpers/recording-queue.js";

let dynamo: TestDynamo;
let tables: TableNames;
let client: DynamoDBDocumentClient;
let p: Platform;
/** Set per test: runs before each write to the checkpoints table. */
let beforeCheckpointWrite: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  tables = await dynamo.freshTables();
  client = dynamo.newClient();
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { TableName?: string; RequestItems?: object };
      if (input.TableName === tables.checkpoints || (input.RequestItems && tables.checkpoints in input.RequestItems))
        await beforeCheckpointWrite();
      return next(args);
    },
    { step: "initialize", name: "holdCheckpointWrites" },
  );
  p = createPlatform({ client, tables, graphs: await loadGraphs("langgraph.json"), queue: new RecordingQueue() });
  await ensureDefaultAssistants(p);
}, 60_000);
afterAll(async () => dynamo?.close());
beforeEach(() => {
  beforeCheckpointWrite = async () => undefined;
});

describe("threads.updateState holds the thread while it writes", () => {
  it("refuses a run created meanwhile as busy; the next run starts from the update", async () => {
    const threadId = randomUUID();
    await p.threads.create(newThread(threadId, { graph_id: "simple" }));

    // The update stops at its checkpoint write until released.
    let reached!: () => void;
    const atWrite = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    beforeCheckpointWrite = async () => {
      reached();
      await released;
    };
    const update = updateState(p, threadId, { values: { count: 5 }, as_node: "double" });
    await atWrite;
    beforeCheckpointWrite = async () => undefined;

    const refused = await createRun(
      p,
      threadId,
      { assistant_id: "simple", input: {} },
      { onDisconnect: "cancel" },
    ).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(HttpError);
    expect((refused as HttpError).status).toBe(409);
    expect((refused as HttpError).message).toBe(BUSY_MESSAGE);
    expect(await p.runs.list(threadId, { limit: 10, offset: 0 })).toEqual([]);

    release();
    await update;
    const thread = await p.threads.get(threadId);
    expect(thread?.status).toBe("idle");
    expect(thread?.active_run).toBeUndefined();
    expect(thread?.values).toEqual({ count: 5, trail: [] });
    expect((await getState(p, threadId)).values).toEqual({ count: 5, trail: [] });

    // Free again: a run takes it.
    const run = await createRun(p, threadId, { assistant_id: "simple", input: {} }, { onDisconnect: "cancel" });
    expect((await p.threads.get(threadId))?.active_run).toBe(run.run_id);
  }, 30_000);

  it("answers 409 for a thread a run holds, and writes nothing", async () => {
    const threadId = randomUUID();
    await p.threads.create(newThread(threadId, { graph_id: "simple" }));
    const run = await createRun(p, threadId, { assistant_id: "simple", input: {} }, { onDisconnect: "cancel" });
    const writes: string[] = [];
    beforeCheckpointWrite = async () => void writes.push("checkpoint");
    const refused = await updateState(p, threadId, { values: { count: 5 } }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect((refused as HttpError).status).toBe(409);
    expect(writes).toEqual([]);
    expect((await p.threads.get(threadId))?.active_run).toBe(run.run_id);
  }, 30_000);
});
