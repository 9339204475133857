/**
 * Thread listings over sharded index partitions: writes spread over THREAD_LIST_SHARDS partitions instead of one,
 * reads merge the shards in order, a page reads a bounded number of items, and threads stored by an earlier
 * version (one partition, list_pk "thread") are moved to their shards when the tables are ensured.
 */
import { BatchWriteCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RequestMeter } from "../../lib/dynamo/request-meter.js";
import { uuid7 } from "../../lib/ids.js";
import { ThreadStore, newThread, type Thread } from "../../lib/stores/thread-store.js";
import { ensureTables } from "../../lib/tables/create.js";
import {
  LEGACY_THREAD_LIST_PK,
  THREAD_LIST_SHARDS,
  threadListKey,
  type TableNames,
} from "../../lib/tables/definitions.js";
import { startTestDynamo, type TestDynamo } from "../helpers/dynamo.js";

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => dynamo?.close());

const base = Date.parse("2026-01-01T00:00:00Z");

/** Stores `count` threads, thread n created at base + n s and updated in a shuffled order. */
async function storeThreads(tables: TableNames, count: number, offset = 0): Promise<Thread[]> {
  const threads = Array.from({ length: count }, (_, i) => {
    const n = offset + i;
    const created = new Date(base + n * 1000).toISOString();
    const updated = new Date(base + ((n * 7919) % 100_000) * 1000 + 1).toISOString();
    return { ...newThread(uuid7(), { n, parity: n % 2 }), created_at: created, updated_at: updated };
  });
  for (let i = 0; i < threads.length; i += 25) {
    const batch = threads.slice(i, i + 25).map((t) => ({ PutRequest: { Item: ThreadStore.toItem(t) } }));
    await dynamo.client.send(new BatchWriteCommand({ RequestItems: { [tables.threads]: batch } }));
  }
  return threads;
}

async function partitionSizes(tables: TableNames, keys: string[]): Promise<number[]> {
  return Promise.all(
    keys.map(async (key) => {
      const page = await dynamo.client.send(
        new QueryCommand({
          TableName: tables.threads,
          IndexName: "by_created",
          KeyConditionExpression: "list_pk = :k",
          ExpressionAttributeValues: { ":k": key },
          Select: "COUNT",
        }),
      );
      return page.Count ?? 0;
    }),
  );
}

describe("sharded thread listings", () => {
  it("spread threads over every listing shard, none holding much more than its share", async () => {
    const tables = await dynamo.freshTables();
    await storeThreads(tables, 320);
    const sizes = await partitionSizes(
      tables,
      Array.from({ length: THREAD_LIST_SHARDS }, (_, n) => threadListKey(n)),
    );
    expect(sizes.reduce((a, b) => a + b)).toBe(320);
    expect(Math.max(...sizes)).toBeLessThan((320 / THREAD_LIST_SHARDS) * 2);
    expect(await partitionSizes(tables, [LEGACY_THREAD_LIST_PK])).toEqual([0]);
  });

  it("merges the shards into one order, page by page, with filters, both sort keys and both directions", async () => {
    const tables = await dynamo.freshTables();
    const threads = await storeThreads(tables, 150);
    const store = new ThreadStore(dynamo.client, tables.threads);
    for (const sortBy of ["created_at", "updated_at"] as const) {
      for (const sortOrder of ["asc", "desc"] as const) {
        const expected = [...threads]
          .sort((a, b) => (a[sortBy] < b[sortBy] ? -1 : 1) * (sortOrder === "asc" ? 1 : -1))
          .map((t) => t.thread_id);
        const pages: string[] = [];
        for (let offset = 0; offset < 150; offset += 40) {
          const page = await store.search({ limit: 40, offset, sortBy, sortOrder });
          pages.push(...page.map((t) => t.thread_id));
        }
        expect(pages).toEqual(expected);
        const odd = await store.search({ limit: 10, offset: 5, sortBy, sortOrder, metadata: { parity: 1 } });
        expect(odd.map((t) => t.thread_id)).toEqual(
          expected.filter((id) => threads.find((t) => t.thread_id === id)!.metadata.parity === 1).slice(5, 15),
        );
      }
    }
    let counted = 0;
    for await (const _ of store.all({ sortBy: "created_at", sortOrder: "desc" })) counted++;
    expect(counted).toBe(150);
  });

  it("reads a bounded number of items for the first page of 20, with 200 threads and with 2,000", async () => {
    const tables = await dynamo.freshTables();
    const store = new ThreadStore(dynamo.client, tables.threads);
    const meter = new RequestMeter().attach(dynamo.client);
    const firstPage = async () => {
      meter.take();
      expect(await store.search({ limit: 20, offset: 0, sortBy: "updated_at", sortOrder: "desc" })).toHaveLength(20);
      return meter.take();
    };
    await storeThreads(tables, 200);
    const small = await firstPage();
    await storeThreads(tables, 1800, 200);
    const large = await firstPage();
    // Each shard's first Query reads its share of the page plus 2; a shard holding more of the page reads again.
    const bound = THREAD_LIST_SHARDS * (Math.ceil(20 / THREAD_LIST_SHARDS) + 2) * 2;
    expect(small.itemsRead).toBeLessThanOrEqual(bound);
    expect(large.itemsRead).toBeLessThanOrEqual(bound);
    expect(large.requests).toBeLessThanOrEqual(THREAD_LIST_SHARDS * 2);
  });

  it("moves threads an earlier version listed under one partition to their shards when tables are ensured", async () => {
    const tables = await dynamo.freshTables();
    const legacy = {
      ...newThread(uuid7(), { legacy: true }),
      created_at: new Date(base).toISOString(),
      updated_at: new Date(base).toISOString(),
    };
    await dynamo.client.send(
      new PutCommand({
        TableName: tables.threads,
        Item: { ...ThreadStore.toItem(legacy), list_pk: LEGACY_THREAD_LIST_PK },
      }),
    );
    const store = new ThreadStore(dynamo.client, tables.threads);
    expect(await store.search({ limit: 10, offset: 0, sortBy: "created_at", sortOrder: "desc" })).toEqual([]);
    await ensureTables(dynamo.client, tables); // what `npm start` does on the same data
    const found = await store.search({ limit: 10, offset: 0, sortBy: "created_at", sortOrder: "desc" });
    expect(found.map((t) => t.thread_id)).toEqual([legacy.thread_id]);
    expect(await partitionSizes(tables, [LEGACY_THREAD_LIST_PK])).toEqual([0]);
  });
});
