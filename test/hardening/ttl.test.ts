/**
 * Data that expires, as langgraph.json `checkpointer.ttl` and `store.ttl` set it (lib/config/ttl.ts), driven through
 * the SDK. Expiry is DynamoDB TTL, which dynalite never enforces (and AWS enforces days late), so what is tested is
 * what a client sees: every read ignores an expired item. The clock is moved with fake `Date` (timers stay real).
 */
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { Client } from "@langchain/langgraph-sdk";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { LocalSystem } from "../../lib/local/start.js";
import { DynamoDBStore } from "../../lib/stores/kv-store.js";
import { tableNamesWithPrefix } from "../../lib/tables/definitions.js";
import { httpStatus as status, localServer } from "../helpers/sdk.js";
import { startTestDynamo, type TestDynamo } from "../helpers/dynamo.js";

let system: LocalSystem;
let client: Client;
beforeAll(async () => {
  ({ system, client } = await localServer({ config: "test/hardening/fixtures/ttl/langgraph.json" }));
}, 60_000);
afterAll(async () => system?.close());
afterEach(() => vi.useRealTimers());

/** The physical name of a table of the local system (as `npm start` names them). */
const tableOf = (id: "events") => tableNamesWithPrefix("lambdagraph")[id];

/** Moves the clock `minutes` ahead (only Date: the server's timers keep running). */
function advance(minutes: number) {
  const now = Date.now();
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(now + minutes * 60_000);
}

describe("checkpointer.ttl: a thread and its checkpoints expire default_ttl minutes after the thread's last write", () => {
  it("keeps a thread written within the TTL, and forgets it, its state and its history once the TTL has passed", async () => {
    const thread = await client.threads.create({ metadata: { ttl: "case" } });
    await client.runs.wait(thread.thread_id, "simple", { input: { count: 1 } });
    expect((await client.threads.getState(thread.thread_id)).values).toMatchObject({ count: 4 });

    advance(8); // within 10 minutes of the run: another run writes the thread and its checkpoints again
    await client.runs.wait(thread.thread_id, "simple", { input: { count: 1 } });
    advance(8); // 16 minutes after the first run, 8 after the second: thread, state and history are there
    await client.threads.update(thread.thread_id, { metadata: { seen: true } }); // metadata only: the TTL stays
    expect((await client.threads.get(thread.thread_id)).metadata).toMatchObject({ seen: true });
    expect((await client.threads.getState(thread.thread_id)).values).toMatchObject({ count: 4 });
    expect((await client.threads.getHistory(thread.thread_id)).length).toBeGreaterThan(0);

    advance(3); // past the TTL since the last run
    expect(await status(client.threads.get(thread.thread_id))).toBe(404);
    expect(await status(client.threads.getState(thread.thread_id))).toBe(404);
    const listed = await client.threads.search({ metadata: { ttl: "case" }, limit: 10 });
    expect(listed.map((t) => t.thread_id)).not.toContain(thread.thread_id);
    expect(await status(client.runs.create(thread.thread_id, "simple", { input: { count: 1 } }))).toBe(404);

    // Its id can be taken again, and the new thread starts empty: the old checkpoints are gone too.
    const again = await client.threads.create({ threadId: thread.thread_id });
    expect(again.thread_id).toBe(thread.thread_id);
    expect((await client.threads.getState(thread.thread_id)).values).toEqual({});
    expect(await client.threads.getHistory(thread.thread_id)).toEqual([]);
  });
});

describe("checkpointer.ttl: what DynamoDB removes with the thread", () => {
  it("stamps the run's stream events to expire default_ttl after they are written", async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "simple", { input: { count: 1 } });
    await client.runs.join(thread.thread_id, run.run_id);
    // The log is written in batches (every 50 ms); a join served from this process's memory may return before the
    // last batch is stored.
    const items = await vi.waitFor(
      async () => {
        const found = await system.platform.client.send(
          new QueryCommand({
            TableName: tableOf("events"),
            KeyConditionExpression: "pk = :run",
            ExpressionAttributeValues: { ":run": run.run_id },
          }),
        );
        expect(found.Items?.length).toBeGreaterThan(0);
        return found;
      },
      { timeout: 10_000, interval: 50 },
    );
    const now = Date.now() / 1000;
    for (const item of items.Items ?? []) expect(item.expires_at).toBeGreaterThan(now + 9 * 60);
    for (const item of items.Items ?? []) expect(item.expires_at).toBeLessThanOrEqual(now + 10 * 60 + 1);
  });
});

describe("store.ttl: items expire default_ttl minutes after their last put, or read (refresh_on_read)", () => {
  it("expires an item put without a ttl after default_ttl; a read refreshes it, refresh_ttl: false does not", async () => {
    await client.store.putItem(["ttl", "a"], "k", { v: 1 });
    await client.store.putItem(["ttl", "b"], "k", { v: 2 });
    advance(4);
    expect(await client.store.getItem(["ttl", "a"], "k")).toMatchObject({ value: { v: 1 } }); // refreshed to +5
    expect(await client.store.getItem(["ttl", "b"], "k", { refreshTtl: false })).toMatchObject({ value: { v: 2 } });
    advance(3); // 7 minutes after the puts, 3 after the reads
    expect(await client.store.getItem(["ttl", "a"], "k")).toMatchObject({ value: { v: 1 } });
    expect(await client.store.getItem(["ttl", "b"], "k")).toBeNull();
    expect((await client.store.searchItems(["ttl"])).items.map((i) => i.namespace)).toEqual([["ttl", "a"]]);
    advance(6);
    expect(await client.store.getItem(["ttl", "a"], "k")).toBeNull();
  });

  it("keeps an item put with ttl null forever, and one with its own ttl that long", async () => {
    await client.store.putItem(["ttl", "forever"], "k", { v: 1 }, { ttl: null });
    await client.store.putItem(["ttl", "own"], "k", { v: 2 }, { ttl: 60 });
    advance(30);
    expect(await client.store.getItem(["ttl", "own"], "k", { refreshTtl: false })).toMatchObject({ value: { v: 2 } });
    advance(31);
    expect(await client.store.getItem(["ttl", "own"], "k")).toBeNull();
    advance(60 * 24 * 365);
    expect(await client.store.getItem(["ttl", "forever"], "k")).toMatchObject({ value: { v: 1 } });
  });
});

describe("store.ttl refresh_on_read: false", () => {
  let dynamo: TestDynamo;
  beforeAll(async () => {
    dynamo = await startTestDynamo();
  });
  afterAll(async () => dynamo?.close());

  it("reads do not refresh unless asked to; graphs' batch puts take default_ttl", async () => {
    const tables = await dynamo.freshTables();
    const store = new DynamoDBStore(dynamo.client, tables.store, { defaultTtl: 5, refreshOnRead: false });
    await store.batch([{ namespace: ["g"], key: "k", value: { v: 1 } }]); // as a graph writes it
    await store.put(["g"], "asked", { v: 2 });
    advance(4);
    expect(await store.get(["g"], "k")).toMatchObject({ value: { v: 1 } });
    expect(await store.get(["g"], "asked", { refreshTtl: true })).toMatchObject({ value: { v: 2 } });
    advance(3);
    expect(await store.get(["g"], "k")).toBeNull();
    expect(await store.search(["g"])).toMatchObject([{ key: "asked" }]);
  });
});
