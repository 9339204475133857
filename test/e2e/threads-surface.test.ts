/** Thread methods beyond CRUD through the official SDK: count, copy, prune, patchState; and search's read cost. */
import type { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RequestMeter } from "../../lib/dynamo/request-meter.js";
import { THREAD_LIST_SHARDS } from "../../lib/tables/definitions.js";
import type { LocalSystem } from "../../lib/local/start.js";
import { httpStatus as status, localServer } from "../helpers/sdk.js";

let system: LocalSystem;
let client: Client;

beforeAll(async () => ({ system, client } = await localServer()));
afterAll(() => system?.close());

describe("threads, the rest of the surface", () => {
  it("counts threads by metadata and status", async () => {
    const tag = `count-${Date.now()}`;
    for (let i = 0; i < 3; i++) await client.threads.create({ metadata: { tag } });
    const done = await client.threads.create({ metadata: { tag } });
    await client.runs.wait(done.thread_id, "simple", { input: { count: 1 } });
    expect(await client.threads.count({ metadata: { tag } })).toBe(4);
    expect(await client.threads.count({ metadata: { tag }, status: "idle" })).toBe(4);
    expect(await client.threads.count({ metadata: { tag }, values: { count: 4 } })).toBe(1);
    expect(await client.threads.count({ metadata: { tag: "nothing-has-this" } })).toBe(0);
  });

  it("search with a values filter pages over the matching threads, not over all of them", async () => {
    const tag = `values-${Date.now()}`;
    const matching: string[] = [];
    // 12 threads, newest first: every third has values {count: 7}, the rest {count: 1}.
    for (let i = 0; i < 12; i++) {
      const thread = await client.threads.create({ metadata: { tag }, graphId: "simple" });
      await client.threads.updateState(thread.thread_id, { values: { count: i % 3 === 0 ? 7 : 1 }, asNode: "double" });
      if (i % 3 === 0) matching.unshift(thread.thread_id);
    }
    const page = (offset: number) =>
      client.threads.search({ metadata: { tag }, values: { count: 7 }, limit: 2, offset });
    const first = await page(0);
    const second = await page(2);
    expect(first.map((t) => t.thread_id)).toEqual(matching.slice(0, 2));
    expect(second.map((t) => t.thread_id)).toEqual(matching.slice(2, 4));
    expect(await page(4)).toEqual([]);
    expect(await client.threads.count({ metadata: { tag }, values: { count: 7 } })).toBe(4);
  });

  it("patches and searches by hundreds of metadata keys, each DynamoDB expression within its 4 KB limit", async () => {
    // dynalite does not enforce the limit DynamoDB does: every expression sent is measured here instead.
    const longest = { expression: 0 };
    system.platform.client.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as Record<string, unknown>;
        for (const name of ["UpdateExpression", "FilterExpression", "ConditionExpression", "KeyConditionExpression"]) {
          if (typeof input[name] === "string")
            longest.expression = Math.max(longest.expression, Buffer.byteLength(input[name] as string));
        }
        return next(args);
      },
      { step: "initialize", name: "expressionLength" },
    );
    try {
      const tag = `many-keys-${Date.now()}`;
      const many = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`key_${i}`, i]));
      const thread = await client.threads.create({ metadata: { tag, kept: "yes" } });
      const other = await client.threads.create({ metadata: { tag, ...many, key_350: "different" } });
      const patched = await client.threads.update(thread.thread_id, { metadata: many });
      expect(patched.metadata).toEqual({ tag, kept: "yes", ...many });
      expect((await client.threads.get(thread.thread_id)).metadata).toEqual({ tag, kept: "yes", ...many });
      // key_350 is past what one filter expression holds: the other thread is told apart all the same.
      expect((await client.threads.search({ metadata: { tag, ...many } })).map((t) => t.thread_id)).toEqual([
        thread.thread_id,
      ]);
      expect(await client.threads.count({ metadata: { tag, ...many } })).toBe(1);
      expect((await client.threads.search({ metadata: { tag } })).map((t) => t.thread_id).sort()).toEqual(
        [thread.thread_id, other.thread_id].sort(),
      );
      expect(longest.expression).toBeGreaterThan(1000);
      expect(longest.expression).toBeLessThanOrEqual(4096);
    } finally {
      system.platform.client.middlewareStack.remove("expressionLength");
    }
  });

  it("copies a thread with its metadata, state and history; the copy runs on independently", async () => {
    const thread = await client.threads.create({ metadata: { owner: "dana" } });
    await client.runs.wait(thread.thread_id, "simple", { input: { count: 1 } });
    const copy = await client.threads.copy(thread.thread_id);
    expect(copy.thread_id).not.toBe(thread.thread_id);
    expect(copy.metadata).toMatchObject({ owner: "dana" });
    expect((await client.threads.getState(copy.thread_id)).values).toEqual(
      (await client.threads.getState(thread.thread_id)).values,
    );
    const history = await client.threads.getHistory(copy.thread_id, { limit: 100 });
    expect(history.length).toBe((await client.threads.getHistory(thread.thread_id, { limit: 100 })).length);
    await client.runs.wait(copy.thread_id, "simple", { input: { count: 10 } });
    expect((await client.threads.getState(copy.thread_id)).values).toMatchObject({ count: 22 });
    expect((await client.threads.getState(thread.thread_id)).values).toMatchObject({ count: 4 });
    // The official server's answer for a missing thread here: 409 `Thread not found`.
    expect(await status(client.threads.copy("00000000-0000-4000-8000-000000000000"))).toBe(409);
  });

  it("prunes: delete removes threads; keep_latest keeps only the latest checkpoint, and the thread still runs", async () => {
    const gone = await client.threads.create();
    const kept = await client.threads.create();
    for (const t of [gone, kept]) {
      await client.runs.wait(t.thread_id, "simple", { input: { count: 1 } });
      await client.runs.wait(t.thread_id, "simple", { input: { count: 2 } });
    }
    expect((await client.threads.getHistory(kept.thread_id, { limit: 100 })).length).toBeGreaterThan(2);
    const before = (await client.threads.getState(kept.thread_id)).values;

    expect(await client.threads.prune([gone.thread_id])).toEqual({ pruned_count: 1 });
    expect(await status(client.threads.get(gone.thread_id))).toBe(404);

    expect(await client.threads.prune([kept.thread_id], { strategy: "keep_latest" })).toEqual({ pruned_count: 1 });
    expect(await client.threads.getHistory(kept.thread_id, { limit: 100 })).toHaveLength(1);
    expect((await client.threads.getState(kept.thread_id)).values).toEqual(before);
    expect(await client.runs.wait(kept.thread_id, "simple", { input: { count: 0 } })).toMatchObject({
      count: 2,
      trail: expect.arrayContaining(["double"]),
    });
  });

  it("patchState merges metadata into the latest checkpoint's", async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, "simple", { input: { count: 1 } });
    await client.threads.patchState(thread.thread_id, { reviewed: true });
    const state = await client.threads.getState(thread.thread_id);
    expect(state.metadata).toMatchObject({ reviewed: true });
    expect(state.values).toMatchObject({ count: 4 });
    expect(await status(client.threads.patchState((await client.threads.create()).thread_id, { x: 1 }))).toBe(404);
  });

  it("reads one page of items for the latest 20 threads, however many threads there are", async () => {
    const meter = new RequestMeter().attach(system.platform.client);
    const readsForFirstPage = async () => {
      meter.take();
      const page = await client.threads.search({ limit: 20, sortBy: "updated_at", sortOrder: "desc" });
      expect(page).toHaveLength(20);
      return meter.take().itemsRead;
    };
    const create = (n: number) => Promise.all(Array.from({ length: n }, () => client.threads.create()));
    await create(40);
    const small = await readsForFirstPage();
    await create(400);
    const large = await readsForFirstPage();
    // Listings merge THREAD_LIST_SHARDS index partitions: each shard's share of the page plus 2, read again at most once.
    const bound = THREAD_LIST_SHARDS * (Math.ceil(20 / THREAD_LIST_SHARDS) + 2) * 2;
    expect(small).toBeLessThanOrEqual(bound);
    expect(large).toBeLessThanOrEqual(bound);
  });
});
