import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { emptyCheckpoint, uuid6, type Checkpoint } from "@langchain/langgraph-checkpoint";
import { DynamoDBSaver } from "../../lib/checkpoint/dynamodb-saver.js";
import { RequestMeter } from "../../lib/dynamo/request-meter.js";
import { startTestDynamo, type TestDynamo } from "../helpers/dynamo.js";

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

async function freshSaver(options: { ttlSeconds?: number; client?: DynamoDBDocumentClient } = {}) {
  const tables = await dynamo.freshTables();
  const client = options.client ?? dynamo.client;
  return {
    saver: new DynamoDBSaver({ client, tableName: tables.checkpoints, ttlSeconds: options.ttlSeconds }),
    table: tables.checkpoints,
  };
}

function checkpointWith(values: Record<string, unknown>, versions: Record<string, number>): Checkpoint {
  return { ...emptyCheckpoint(), id: uuid6(-3), channel_values: values, channel_versions: versions };
}

/** Random base64 text barely compresses (to 3/4): it forces the payload across many items. */
const incompressible = (chars: number) => randomBytes((chars * 3) / 4).toString("base64");

async function itemsOf(table: string, threadId: string) {
  const items: Record<string, any>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": threadId },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

describe("DynamoDBSaver beyond the validation suite", () => {
  it("round-trips a 2 MB checkpoint and a 2 MB pending write", async () => {
    const { saver, table } = await freshSaver();
    const big = incompressible(2 * 1024 * 1024);
    const bigWrite = incompressible(2 * 1024 * 1024);
    const checkpoint = checkpointWith({ document: big, small: "x" }, { document: 1, small: 1 });
    const config = await saver.put(
      { configurable: { thread_id: "t-big" } },
      checkpoint,
      { source: "loop", step: 1, parents: {} },
      { document: 1, small: 1 },
    );
    await saver.putWrites(config, [["document", bigWrite]], "task-1");

    // A new saver (as a new Lambda would have) reads it all back.
    const reader = new DynamoDBSaver({ client: dynamo.newClient(), tableName: table });
    const tuple = await reader.getTuple({ configurable: { thread_id: "t-big" } });
    expect(tuple?.checkpoint.channel_values.document).toBe(big);
    expect(tuple?.checkpoint.channel_values.small).toBe("x");
    expect(tuple?.pendingWrites).toEqual([["task-1", "document", bigWrite]]);
    // It really was split: each 2 MB value compresses to ~1.5 MB, at most 350 KB per item.
    const items = await itemsOf(table, "t-big");
    expect(items.length).toBeGreaterThanOrEqual(10);
    for (const item of items) expect((item.data as Uint8Array).byteLength).toBeLessThanOrEqual(350_000);
  });

  it("never reads a checkpoint whose multi-item write was interrupted", async () => {
    const client = dynamo.newClient();
    const { saver, table } = await freshSaver({ client });
    const first = checkpointWith({ document: "v1" }, { document: 1 });
    const config1 = await saver.put(
      { configurable: { thread_id: "t-crash" } },
      first,
      { source: "loop", step: 1, parents: {} },
      { document: 1 },
    );

    // The process dies after the chunks are written but before the head item is: every PutItem fails.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "PutItemCommand") throw new Error("simulated crash");
        return next(args);
      },
      { step: "initialize", name: "crashOnPut" },
    );
    const second = checkpointWith({ document: incompressible(1024 * 1024) }, { document: 2 });
    await expect(saver.put(config1, second, { source: "loop", step: 2, parents: {} }, { document: 2 })).rejects.toThrow(
      "simulated crash",
    );
    await expect(saver.putWrites(config1, [["document", incompressible(1024 * 1024)]], "task-x")).rejects.toThrow(
      "simulated crash",
    );

    const items = await itemsOf(table, "t-crash");
    // The orphaned chunks of the value and of the write are there ...
    expect(items.some((i) => String(i.sk).startsWith("bx#"))).toBe(true);
    expect(items.some((i) => String(i.sk).startsWith("wx#"))).toBe(true);
    const reader = new DynamoDBSaver({ client: dynamo.client, tableName: table });
    const latest = await reader.getTuple({ configurable: { thread_id: "t-crash" } });
    expect(latest?.checkpoint.id).toBe(first.id); // ... but the last whole checkpoint is what readers see
    expect(latest?.checkpoint.channel_values).toEqual({ document: "v1" });
    expect(latest?.pendingWrites).toEqual([]);
    expect(await reader.getTuple({ configurable: { thread_id: "t-crash", checkpoint_id: second.id } })).toBeUndefined();
    const listed = [];
    for await (const t of reader.list({ configurable: { thread_id: "t-crash" } })) listed.push(t.checkpoint.id);
    expect(listed).toEqual([first.id]);
  });

  it("does not rewrite a channel value that did not change", async () => {
    const client = dynamo.newClient();
    const meter = new RequestMeter().attach(client);
    const { saver, table } = await freshSaver({ client });
    const doc = incompressible(64 * 1024);
    const c1 = checkpointWith({ document: doc, counter: 1 }, { document: 1, counter: 1 });
    const config1 = await saver.put(
      { configurable: { thread_id: "t-same" } },
      c1,
      { source: "loop", step: 1, parents: {} },
      { document: 1, counter: 1 },
    );
    meter.take();
    const c2 = checkpointWith({ document: doc, counter: 2 }, { document: 1, counter: 2 });
    await saver.put(config1, c2, { source: "loop", step: 2, parents: {} }, { counter: 2 });
    const second = meter.take();
    // Only the new head is written: one small request, not the 64 KB document again.
    expect(second.byOperation).toEqual({ PutItem: 1 });
    expect(second.requestBytes).toBeLessThan(4 * 1024);

    const reader = new DynamoDBSaver({ client: dynamo.client, tableName: table });
    const tuple = await reader.getTuple({ configurable: { thread_id: "t-same" } });
    expect(tuple?.checkpoint.channel_values).toEqual({ document: doc, counter: 2 });
    expect(tuple?.parentConfig?.configurable?.checkpoint_id).toBe(c1.id);
  });

  it("stamps every item with an expiry when a TTL is set, and deleteThread removes everything", async () => {
    const { saver, table } = await freshSaver({ ttlSeconds: 3600 });
    const c1 = checkpointWith({ document: incompressible(600 * 1024) }, { document: 1 });
    const config = await saver.put(
      { configurable: { thread_id: "t-ttl" } },
      c1,
      { source: "loop", step: 1, parents: {} },
      { document: 1 },
    );
    await saver.putWrites(config, [["a", 1]], "task-1");
    const now = Date.now() / 1000;
    const items = await itemsOf(table, "t-ttl");
    expect(items.length).toBeGreaterThan(2);
    for (const item of items) {
      expect(item.expires_at).toBeGreaterThan(now + 3500);
      expect(item.expires_at).toBeLessThan(now + 3700);
    }
    await saver.deleteThread("t-ttl");
    expect(await itemsOf(table, "t-ttl")).toEqual([]);
    expect(await saver.getTuple({ configurable: { thread_id: "t-ttl" } })).toBeUndefined();
  });

  it("treats a channel whose stored value is gone as empty instead of failing the read", async () => {
    const { saver, table } = await freshSaver();
    const c1 = checkpointWith({ a: "one" }, { a: 1 });
    const config1 = await saver.put(
      { configurable: { thread_id: "t-gone" } },
      c1,
      { source: "loop", step: 1, parents: {} },
      { a: 1 },
    );
    const c2 = checkpointWith({ a: "one", b: "two" }, { a: 1, b: 1 });
    await saver.put(config1, c2, { source: "loop", step: 2, parents: {} }, { b: 1 });
    // The first head expires (TTL) while the second still points at it for channel a.
    await dynamo.client.send(
      new PutCommand({ TableName: table, Item: { pk: "unrelated", sk: "x" } }), // keep the table non-empty
    );
    const { DeleteCommand } = await import("@aws-sdk/lib-dynamodb");
    await dynamo.client.send(new DeleteCommand({ TableName: table, Key: { pk: "t-gone", sk: `cp##${c1.id}` } }));
    const tuple = await new DynamoDBSaver({ client: dynamo.client, tableName: table }).getTuple({
      configurable: { thread_id: "t-gone" },
    });
    expect(tuple?.checkpoint.channel_values).toEqual({ b: "two" });
  });

  it("reads a checkpoint and its pending writes in one Query, the latest with or without writes", async () => {
    const client = dynamo.newClient();
    const meter = new RequestMeter().attach(client);
    const { saver } = await freshSaver({ client });
    const c1 = checkpointWith({ a: "one" }, { a: 1 });
    const config1 = await saver.put({ configurable: { thread_id: "t-q" } }, c1, meta(1), { a: 1 });
    await saver.putWrites(config1, [["a", "two"]], "task-1");
    await saver.putWrites(config1, [["__error__", "boom"]], "task-2");
    const reader = new DynamoDBSaver({ client, tableName: saver.table.name });
    const reads = async (config: object) => {
      meter.take();
      const tuple = await reader.getTuple(config);
      return { tuple, requests: meter.take().requests };
    };
    const byId = await reads({ configurable: { thread_id: "t-q", checkpoint_id: c1.id } });
    expect(byId.requests).toBe(1);
    expect(byId.tuple?.pendingWrites).toEqual([
      ["task-1", "a", "two"],
      ["task-2", "__error__", "boom"],
    ]);
    // The latest has writes: they come first, then one Query of that head with them.
    const latestWithWrites = await reads({ configurable: { thread_id: "t-q" } });
    expect(latestWithWrites.tuple?.pendingWrites).toEqual(byId.tuple?.pendingWrites);
    expect(latestWithWrites.requests).toBe(2);
    const c2 = checkpointWith({ a: "two" }, { a: 2 });
    await saver.put(config1, c2, meta(2), { a: 2 });
    const latest = await reads({ configurable: { thread_id: "t-q" } });
    expect(latest.tuple?.checkpoint.id).toBe(c2.id);
    expect(latest.tuple?.pendingWrites).toEqual([]);
    expect(latest.requests).toBe(1);
    const history = [];
    for await (const t of reader.list({ configurable: { thread_id: "t-q" } })) history.push(t);
    expect(history.map((t) => [t.checkpoint.id, t.pendingWrites?.length])).toEqual([
      [c2.id, 0],
      [c1.id, 2],
    ]);
  });

  it("reads pending writes stored under the earlier keys (wr#…, heads without wk), and keeps them through maintenance", async () => {
    const { saver, table } = await freshSaver();
    const c1 = checkpointWith({ a: "one" }, { a: 1 });
    const config1 = await saver.put({ configurable: { thread_id: "t-old" } }, c1, meta(1), { a: 1 });
    await saver.putWrites(config1, [["a", "two"]], "task-1");
    await saver.putWrites(config1, [["__interrupt__", [{ value: "ask" }]]], "task-2");
    // As the earlier layout stored them: the head without `wk`, each write under `wr#<ns>#<id>#<task>#<idx>`.
    const { DeleteCommand } = await import("@aws-sdk/lib-dynamodb");
    for (const item of await itemsOf(table, "t-old")) {
      const sk = String(item.sk);
      if (sk === `cp##${c1.id}`) {
        delete item.wk;
        await dynamo.client.send(new PutCommand({ TableName: table, Item: item }));
      } else if (sk.startsWith(`cp##${c1.id}#wr#`)) {
        const [, , , , taskId, idx] = sk.split("#");
        await dynamo.client.send(new DeleteCommand({ TableName: table, Key: { pk: "t-old", sk } }));
        const legacy = { ...item, sk: `wr##${c1.id}#${taskId}#${idx}` };
        await dynamo.client.send(new PutCommand({ TableName: table, Item: legacy }));
      }
    }
    const expected = [
      ["task-1", "a", "two"],
      ["task-2", "__interrupt__", [{ value: "ask" }]],
    ];
    const reader = new DynamoDBSaver({ client: dynamo.client, tableName: table });
    expect((await reader.getTuple({ configurable: { thread_id: "t-old" } }))?.pendingWrites).toEqual(expected);
    const listed = [];
    for await (const t of reader.list({ configurable: { thread_id: "t-old" } })) listed.push(t.pendingWrites);
    expect(listed).toEqual([expected]);
    // The head written again (a metadata patch) still has its writes; pruning to it moves them under its key.
    expect(await reader.patchLatestMetadata("t-old", { note: "patched" })).toBe(true);
    const patched = await reader.getTuple({ configurable: { thread_id: "t-old" } });
    expect(patched?.metadata).toMatchObject({ note: "patched" });
    expect(patched?.pendingWrites).toEqual(expected);
    await reader.keepLatest("t-old");
    expect((await reader.getTuple({ configurable: { thread_id: "t-old" } }))?.pendingWrites).toEqual(expected);
    expect((await itemsOf(table, "t-old")).filter((i) => String(i.sk).startsWith("wr#"))).toEqual([]);
  });
});

const meta = (step: number) => ({ source: "loop" as const, step, parents: {} });
