/**
 * Thread search under custom auth does not read every thread: threads created with an owner filter carry its scope
 * (lib/auth/scope.ts), and one owner's page is read from that scope's partition of the sparse `by_scope` index.
 */
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authScopeOf } from "../../lib/auth/scope.js";
import { RequestMeter } from "../../lib/dynamo/request-meter.js";
import { uuid7 } from "../../lib/ids.js";
import { ThreadStore, newThread, type Thread } from "../../lib/stores/thread-store.js";
import { startTestDynamo, type TestDynamo } from "../helpers/dynamo.js";

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => dynamo?.close());

const OWNERS = 100;
const THREADS = 2_000;
const base = Date.parse("2026-01-01T00:00:00Z");

describe("thread search filtered by owner", () => {
  it("reads about one page of items for one owner's first page, among 2,000 threads of 100 owners", async () => {
    const tables = await dynamo.freshTables();
    const threads: Thread[] = Array.from({ length: THREADS }, (_, n) => {
      const metadata = { owner: `user-${n % OWNERS}`, n };
      const at = new Date(base + n * 1000).toISOString();
      const updated = new Date(base + ((n * 7919) % THREADS) * 1000).toISOString();
      const thread = { ...newThread(uuid7(), metadata), created_at: at, updated_at: updated };
      return { ...thread, auth_scope: authScopeOf({ owner: metadata.owner }, metadata) };
    });
    for (let i = 0; i < threads.length; i += 25) {
      const batch = threads.slice(i, i + 25).map((t) => ({ PutRequest: { Item: ThreadStore.toItem(t) } }));
      await dynamo.client.send(new BatchWriteCommand({ RequestItems: { [tables.threads]: batch } }));
    }
    const store = new ThreadStore(dynamo.client, tables.threads);
    const meter = new RequestMeter().attach(dynamo.client);
    const owned = threads.filter((t) => t.metadata.owner === "user-7");

    meter.take();
    const page = await store.search({
      limit: 10,
      offset: 0,
      sortBy: "created_at",
      sortOrder: "desc",
      auth: { owner: "user-7" },
    });
    const reading = meter.take();
    expect(page.map((t) => t.thread_id)).toEqual(
      owned
        .slice(-10)
        .reverse()
        .map((t) => t.thread_id),
    );
    expect(reading.itemsRead).toBeLessThanOrEqual(10 + 2);
    expect(reading.requests).toBe(1);

    // By update: that owner's 20 threads are read (and sorted), not the table's 2,000.
    const byUpdate = await store.search({
      limit: 5,
      offset: 0,
      sortBy: "updated_at",
      sortOrder: "desc",
      auth: { owner: { $eq: "user-7" } },
    });
    const updating = meter.take();
    const latest = [...owned].sort((a, b) => (a.updated_at < b.updated_at ? 1 : -1)).slice(0, 5);
    expect(byUpdate.map((t) => t.thread_id)).toEqual(latest.map((t) => t.thread_id));
    expect(updating.itemsRead).toBeLessThanOrEqual(owned.length);

    let counted = 0;
    for await (const _ of store.all({ sortBy: "created_at", sortOrder: "desc", auth: { owner: "user-7" } })) counted++;
    expect(counted).toBe(owned.length);
    expect(meter.take().itemsRead).toBeLessThanOrEqual(owned.length);
  }, 120_000);
});
