import { ScanCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { Annotation, END, START, StateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";
import {
  InMemoryStore,
  InvalidNamespaceError,
  type GetOperation,
  type PutOperation,
  type SearchOperation,
} from "@langchain/langgraph-checkpoint";
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routes as apiRoutes } from "../../lib/api/routes.js";
import { RequestMeter } from "../../lib/dynamo/request-meter.js";
import { createRouter } from "../../lib/http/router.js";
import type { Platform } from "../../lib/platform.js";
import { DynamoDBStore, StoreLimitError } from "../../lib/stores/kv-store.js";
import { startTestDynamo, type TestDynamo } from "../helpers/dynamo.js";

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

async function freshStore(): Promise<{ store: DynamoDBStore; table: string }> {
  const tables = await dynamo.freshTables();
  return { store: new DynamoDBStore(dynamo.client, tables.store), table: tables.store };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const keysOf = (items: { key: string }[]) => items.map((i) => i.key);
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The raw rows of the table (what DynamoDB holds), for checking expiry times and backdating them. */
async function rawRows(table: string) {
  return (await dynamo.client.send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? [];
}
async function setExpiry(table: string, key: string, expiresAt: number) {
  const row = (await rawRows(table)).find((r) => r.key === key)!;
  await dynamo.client.send(
    new UpdateCommand({
      TableName: table,
      Key: { pk: row.pk, sk: row.sk },
      UpdateExpression: "SET expires_at = :e",
      ExpressionAttributeValues: { ":e": expiresAt },
    }),
  );
}

describe("DynamoDBStore items", () => {
  it("puts, gets, updates (created_at kept, updated_at moves) and deletes", async () => {
    const { store } = await freshStore();
    expect(await store.get(["users", "u1"], "prefs")).toBeNull();

    await store.put(["users", "u1"], "prefs", { theme: "dark" });
    const first = await store.get(["users", "u1"], "prefs");
    expect(first).toMatchObject({ namespace: ["users", "u1"], key: "prefs", value: { theme: "dark" } });
    expect(first!.createdAt).toBeInstanceOf(Date);
    expect(first!.updatedAt.getTime()).toBe(first!.createdAt.getTime());

    await sleep(5);
    await store.put(["users", "u1"], "prefs", { theme: "light", size: 14 });
    const second = await store.get(["users", "u1"], "prefs");
    expect(second!.value).toEqual({ theme: "light", size: 14 });
    expect(second!.createdAt.getTime()).toBe(first!.createdAt.getTime());
    expect(second!.updatedAt.getTime()).toBeGreaterThan(first!.updatedAt.getTime());

    await store.delete(["users", "u1"], "prefs");
    expect(await store.get(["users", "u1"], "prefs")).toBeNull();
    await store.delete(["users", "u1"], "prefs"); // deleting what is gone is fine
    expect(await store.search(["users"])).toEqual([]);
  });

  it("round-trips unicode, nested arrays, empty-string keys and odd characters in keys", async () => {
    const { store } = await freshStore();
    const value = {
      text: "héllo 世界 🦜 \u0000 \u2028",
      nested: [[1, [2, [3, []]]], { deep: [{ deeper: [null, true, false] }] }],
      "": "an empty field name",
      numbers: [0, -1.5, 1e21, Number.MAX_SAFE_INTEGER],
      empty: {},
    };
    await store.put(["ünï", "cödé"], "", value);
    await store.put(["ünï", "cödé"], "a:b.c/d#e", { ok: 1 });
    expect((await store.get(["ünï", "cödé"], ""))!.value).toEqual(value);
    expect((await store.get(["ünï", "cödé"], "a:b.c/d#e"))!.value).toEqual({ ok: 1 });
    expect(keysOf(await store.search(["ünï"])).sort()).toEqual(["", "a:b.c/d#e"]);
  });

  it("stores a 300 KB value, and refuses one over DynamoDB's 400 KB item limit with a clear error", async () => {
    const { store } = await freshStore();
    const big = { blob: "x".repeat(300 * 1024) };
    await store.put(["files"], "big", big);
    expect((await store.get(["files"], "big"))!.value.blob).toHaveLength(300 * 1024);

    const tooBig = { blob: "x".repeat(401 * 1024) };
    const put = store.put(["files"], "huge", tooBig);
    await expect(put).rejects.toBeInstanceOf(StoreLimitError);
    await expect(store.put(["files"], "huge", tooBig)).rejects.toThrow(
      /\["files"\].*"huge".* bytes; DynamoDB items hold at most 409600 bytes/,
    );
    expect(await store.get(["files"], "huge")).toBeNull();

    await expect(store.put(["files"], "k".repeat(1100), { a: 1 })).rejects.toThrow(/too long for DynamoDB's keys/);
    expect(await store.get(["files"], "k".repeat(1100))).toBeNull();
  });

  it("rejects namespaces LangGraph's stores reject", async () => {
    const { store } = await freshStore();
    await expect(store.put(["a.b"], "k", {})).rejects.toBeInstanceOf(InvalidNamespaceError);
    await expect(store.put(["a", ""], "k", {})).rejects.toBeInstanceOf(InvalidNamespaceError);
    await expect(store.put([], "k", {})).rejects.toBeInstanceOf(InvalidNamespaceError);
    await expect(store.put(["langgraph", "x"], "k", {})).rejects.toThrow(/langgraph/);
    await expect(store.search(["a:b"])).rejects.toBeInstanceOf(InvalidNamespaceError);
  });

  it("runs a batch as InMemoryStore does: reads see the store before the batch, the last put to an item wins", async () => {
    const { store } = await freshStore();
    await store.put(["b"], "k", { n: 0 });
    const ops: [GetOperation, PutOperation, PutOperation, SearchOperation] = [
      { namespace: ["b"], key: "k" },
      { namespace: ["b"], key: "k", value: { n: 1 } },
      { namespace: ["b"], key: "k", value: { n: 2 } },
      { namespacePrefix: ["b"], limit: 10, offset: 0 },
    ];
    const [before, , , found] = await store.batch(ops);
    expect(before!.value).toEqual({ n: 0 });
    expect(found.map((i) => i.value)).toEqual([{ n: 0 }]);
    expect((await store.get(["b"], "k"))!.value).toEqual({ n: 2 });

    await store.batch([{ namespace: ["b"], key: "k", value: null }]);
    expect(await store.get(["b"], "k")).toBeNull();
  });
});

describe("DynamoDBStore search", () => {
  it("matches whole namespace labels: ['user','12'] finds ['user','12',…] but not ['user','123']", async () => {
    const { store } = await freshStore();
    await store.put(["user", "12"], "a", {});
    await store.put(["user", "12", "notes"], "b", {});
    await store.put(["user", "123"], "c", {});
    await store.put(["user"], "d", {});
    await store.put(["other", "12"], "e", {});
    await store.put(["use"], "f", {});

    expect(keysOf(await store.search(["user", "12"])).sort()).toEqual(["a", "b"]);
    expect(keysOf(await store.search(["user", "12", "notes"]))).toEqual(["b"]);
    expect(keysOf(await store.search(["user", "1"]))).toEqual([]);
    expect(keysOf(await store.search(["user"])).sort()).toEqual(["a", "b", "c", "d"]);
    expect(keysOf(await store.search([], { limit: 100 })).sort()).toEqual(["a", "b", "c", "d", "e", "f"]);
    const [item] = await store.search(["user", "123"]);
    expect(item).toMatchObject({ namespace: ["user", "123"], key: "c", value: {}, score: undefined });
  });

  it("reads a prefix with one Query (no Scan), stops once it has a page, and Scans only for the empty prefix", async () => {
    const tables = await dynamo.freshTables();
    const client = dynamo.newClient();
    const meter = new RequestMeter().attach(client);
    const store = new DynamoDBStore(client, tables.store);
    for (let i = 0; i < 30; i++) await store.put(["memories", `u${i % 3}`], `k${i}`, { i });
    meter.take();

    expect(await store.search(["memories", "u1"], { limit: 5 })).toHaveLength(5);
    expect(meter.take().byOperation).toEqual({ Query: 1 });
    expect(await store.search([], { limit: 50 })).toHaveLength(30);
    expect(meter.take().byOperation).toEqual({ Scan: 1 });
    expect(await store.listNamespaces({ prefix: ["memories"] })).toHaveLength(3);
    expect(meter.take().byOperation).toEqual({ Query: 1 });
    client.destroy();
  });

  it("filters on top-level value fields: equality (deep) and $eq $ne $gt $gte $lt $lte $in $nin", async () => {
    const { store } = await freshStore();
    const docs = [
      { key: "a", value: { color: "red", score: 3, tags: ["x", "y"], name: "apple" } },
      { key: "b", value: { color: "blue", score: 4.5, tags: ["x"], name: "banana" } },
      { key: "c", value: { color: "red", score: 5, tags: [], name: "cherry" } },
      { key: "d", value: { color: "green", name: "date" } },
    ];
    for (const d of docs) await store.put(["docs"], d.key, d.value);
    const find = async (filter: Record<string, unknown>) => keysOf(await store.search(["docs"], { filter })).sort();

    expect(await find({ color: "red" })).toEqual(["a", "c"]);
    expect(await find({ color: "red", score: 5 })).toEqual(["c"]);
    expect(await find({ tags: ["x", "y"] })).toEqual(["a"]);
    expect(await find({ tags: ["y", "x"] })).toEqual([]);
    expect(await find({ color: { $eq: "blue" } })).toEqual(["b"]);
    expect(await find({ color: { $ne: "red" } })).toEqual(["b", "d"]);
    expect(await find({ score: { $gt: 3 } })).toEqual(["b", "c"]);
    expect(await find({ score: { $gte: 3, $lt: 5 } })).toEqual(["a", "b"]);
    expect(await find({ score: { $lte: 4.5 } })).toEqual(["a", "b"]);
    expect(await find({ name: { $gt: "banana" } })).toEqual(["c", "d"]);
    expect(await find({ color: { $in: ["green", "blue"] } })).toEqual(["b", "d"]);
    expect(await find({ color: { $nin: ["green", "blue"] } })).toEqual(["a", "c"]);
    expect(await find({ missing: "x" })).toEqual([]);
  });

  it("pages with limit (default 10) and offset, in namespace-then-key order, applying the filter first", async () => {
    const { store } = await freshStore();
    const keys = Array.from({ length: 25 }, (_, i) => `k${String(i).padStart(2, "0")}`);
    for (const [i, key] of keys.entries()) await store.put(["pages"], key, { even: i % 2 === 0 });

    expect(keysOf(await store.search(["pages"]))).toEqual(keys.slice(0, 10));
    const pages = [];
    for (let offset = 0; offset < 30; offset += 10)
      pages.push(keysOf(await store.search(["pages"], { limit: 10, offset })));
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(pages.flat()).toEqual(keys);
    expect(keysOf(await store.search(["pages"], { filter: { even: true }, limit: 3, offset: 2 }))).toEqual([
      "k04",
      "k06",
      "k08",
    ]);
    expect(await store.search(["pages"], { limit: 0 })).toEqual([]);
  });

  it("ignores a semantic query and still returns the items", async () => {
    const { store } = await freshStore();
    await store.put(["q"], "k", { text: "hello" });
    expect(await store.search(["q"], { query: "greeting" })).toMatchObject([{ key: "k", score: undefined }]);
  });
});

describe("DynamoDBStore listNamespaces", () => {
  const namespaces = [
    ["a"],
    ["a", "b"],
    ["a", "b", "c"],
    ["a", "b", "d"],
    ["a", "x", "c"],
    ["b", "b"],
    ["b", "c", "v1"],
    ["c", "v1"],
  ];

  it("lists with prefix, suffix, '*' wildcards, maxDepth, limit and offset as InMemoryStore does", async () => {
    const { store } = await freshStore();
    const memory = new InMemoryStore();
    for (const ns of namespaces) {
      await store.put(ns, "k1", { n: 1 });
      await store.put(ns, "k2", { n: 2 }); // two items, one namespace
      await memory.put(ns, "k1", { n: 1 });
    }
    const cases: Parameters<DynamoDBStore["listNamespaces"]>[0][] = [
      {},
      { prefix: ["a"] },
      { prefix: ["a", "b"] },
      { prefix: ["a", "*", "c"] },
      { prefix: ["*", "b"] },
      { suffix: ["v1"] },
      { suffix: ["*", "c"] },
      { prefix: ["a"], suffix: ["c"] },
      { maxDepth: 1 },
      { prefix: ["a"], maxDepth: 2 },
      { limit: 3 },
      { limit: 3, offset: 3 },
      { offset: 7 },
      { prefix: ["nothing"] },
    ];
    for (const options of cases) {
      expect(await store.listNamespaces(options), JSON.stringify(options)).toEqual(
        await memory.listNamespaces(options),
      );
    }
    expect(await store.listNamespaces({ prefix: ["a", "*", "c"] })).toEqual([
      ["a", "b", "c"],
      ["a", "x", "c"],
    ]);
  });

  it("drops a namespace once its last item is deleted", async () => {
    const { store } = await freshStore();
    await store.put(["gone"], "k", {});
    await store.put(["kept"], "k", {});
    await store.delete(["gone"], "k");
    expect(await store.listNamespaces()).toEqual([["kept"]]);
  });
});

describe("DynamoDBStore ttl", () => {
  it("sets expires_at ttl minutes ahead, and an update without ttl makes the item permanent", async () => {
    const { store, table } = await freshStore();
    await store.put(["t"], "k", { v: 1 }, undefined, { ttl: 30 });
    const [row] = await rawRows(table);
    expect(row.expires_at).toBeGreaterThanOrEqual(nowSeconds() + 30 * 60 - 2);
    expect(row.expires_at).toBeLessThanOrEqual(nowSeconds() + 30 * 60 + 2);

    await store.put(["t"], "k", { v: 2 });
    const [permanent] = await rawRows(table);
    expect(permanent.expires_at).toBeUndefined();
    expect((await store.get(["t"], "k"))!.value).toEqual({ v: 2 });
  });

  it("hides items past their expiry before DynamoDB deletes them, everywhere", async () => {
    const { store, table } = await freshStore();
    await store.put(["t", "x"], "old", { v: 1 }, undefined, { ttl: 5 });
    await store.put(["t", "y"], "live", { v: 2 }, undefined, { ttl: 5 });
    await setExpiry(table, "old", nowSeconds() - 1);

    expect(await rawRows(table)).toHaveLength(2); // still in the table
    expect(await store.get(["t", "x"], "old")).toBeNull();
    expect(keysOf(await store.search(["t"]))).toEqual(["live"]);
    expect(keysOf(await store.search([]))).toEqual(["live"]);
    expect(await store.listNamespaces()).toEqual([["t", "y"]]);

    // Reading does not bring it back; writing it again starts a new item.
    await sleep(20);
    const before = new Date();
    await store.put(["t", "x"], "old", { v: 3 });
    const reborn = await store.get(["t", "x"], "old");
    expect(reborn!.value).toEqual({ v: 3 });
    expect(reborn!.createdAt.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1);
  });

  it("refreshes the expiry on get and search unless refreshTtl is false; items without ttl stay permanent", async () => {
    const { store, table } = await freshStore();
    await store.put(["r"], "a", { v: 1 }, undefined, { ttl: 10 });
    await store.put(["r"], "b", { v: 2 });
    const soon = nowSeconds() + 60;
    const expiryOf = async (key: string) => (await rawRows(table)).find((r) => r.key === key)!.expires_at;

    await setExpiry(table, "a", soon);
    await store.get(["r"], "a", { refreshTtl: false });
    await store.search(["r"], { refreshTtl: false });
    expect(await expiryOf("a")).toBe(soon);

    await store.get(["r"], "a");
    expect(await expiryOf("a")).toBeGreaterThanOrEqual(nowSeconds() + 10 * 60 - 2);

    await setExpiry(table, "a", soon);
    await store.search(["r"]);
    expect(await expiryOf("a")).toBeGreaterThanOrEqual(nowSeconds() + 10 * 60 - 2);
    expect(await expiryOf("b")).toBeUndefined();
  });

  it("refuses a ttl that is not a positive number of minutes", async () => {
    const { store } = await freshStore();
    await expect(store.put(["t"], "k", {}, undefined, { ttl: 0 })).rejects.toThrow(
      /ttl must be a positive number of minutes/,
    );
  });
});

describe("DynamoDBStore in a graph", () => {
  it("is the config.store of a compiled StateGraph's nodes", async () => {
    const { store } = await freshStore();
    const State = Annotation.Root({ seen: Annotation<unknown>() });
    const graph = new StateGraph(State)
      .addNode("remember", async (_state, config: LangGraphRunnableConfig) => {
        await config.store!.put(["mem"], "k", { v: 1 });
        return {};
      })
      .addNode("recall", async (_state, config: LangGraphRunnableConfig) => {
        const item = await config.store!.get(["mem"], "k");
        const found = await config.store!.search(["mem"]);
        return { seen: { value: item?.value, found: found.length } };
      })
      .addEdge(START, "remember")
      .addEdge("remember", "recall")
      .addEdge("recall", END)
      .compile({ store });

    const result = await graph.invoke({});
    expect(result.seen).toEqual({ value: { v: 1 }, found: 1 });
    expect((await store.get(["mem"], "k"))!.value).toEqual({ v: 1 });
  });
});

describe("/store endpoints", () => {
  // The API's own /store routes (their schemas validate, as in the server), over a platform that has only a store.
  const routes = apiRoutes.filter((route) => route.path.startsWith("/store/"));

  async function serve() {
    const { store } = await freshStore();
    const platform = { store } as unknown as Platform; // the store handlers use nothing else
    const route = createRouter<Platform>(routes);
    const fetch = (url: string | URL | Request, init?: RequestInit) => route(new Request(url, init), platform);
    const client = new Client({ apiUrl: "http://store.test", callerOptions: { fetch, maxRetries: 0 } });
    return { store, fetch, client };
  }

  it("serves the SDK's StoreClient: put, get, search, list namespaces, delete", async () => {
    const { client, store } = await serve();
    await client.store.putItem(["users", "u1"], "prefs", { theme: "dark" }, { ttl: 60 });
    await client.store.putItem(["users", "u2"], "prefs", { theme: "light" });

    const item = await client.store.getItem(["users", "u1"], "prefs", { refreshTtl: true });
    expect(item).toMatchObject({ namespace: ["users", "u1"], key: "prefs", value: { theme: "dark" } });
    expect(item!.createdAt).toBe((await store.get(["users", "u1"], "prefs"))!.createdAt.toISOString());
    expect(await client.store.getItem(["users", "u1"], "nothing")).toBeNull();

    const { items } = await client.store.searchItems(["users"], { filter: { theme: "light" } });
    expect(items).toMatchObject([{ namespace: ["users", "u2"], key: "prefs", value: { theme: "light" }, score: null }]);
    expect(items[0]).toHaveProperty("created_at");
    expect(await client.store.listNamespaces({ prefix: ["users"], maxDepth: 1 })).toEqual({ namespaces: [["users"]] });
    expect(await client.store.listNamespaces({ suffix: ["u2"] })).toEqual({ namespaces: [["users", "u2"]] });

    await client.store.deleteItem(["users", "u1"], "prefs");
    expect(await client.store.getItem(["users", "u1"], "prefs")).toBeNull();
  });

  it("answers 422 naming the field for bad namespaces, values and pages, and for an item over 400 KB", async () => {
    const { fetch } = await serve();
    // `any`: the tests check response bodies by value
    const send = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
      const res = await fetch(`http://store.test${path}`, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: res.status === 204 ? null : await res.json() };
    };

    const badLabel = await send("PUT", "/store/items", { namespace: ["a.b"], key: "k", value: {} });
    expect(badLabel.status).toBe(422);
    expect(badLabel.body.detail[0].loc).toEqual(["body", "namespace", "0"]);
    expect((await send("PUT", "/store/items", { namespace: [], key: "k", value: {} })).status).toBe(422);
    expect((await send("PUT", "/store/items", { namespace: ["a", ""], key: "k", value: {} })).status).toBe(422);
    expect((await send("PUT", "/store/items", { namespace: ["a"], key: "k", value: [1] })).body.detail[0].loc).toEqual([
      "body",
      "value",
    ]);
    expect((await send("PUT", "/store/items", { namespace: ["a"], key: "k", value: {}, ttl: -1 })).status).toBe(422);
    expect((await send("PUT", "/store/items", { namespace: ["langgraph"], key: "k", value: {} })).status).toBe(422);
    const huge = await send("PUT", "/store/items", {
      namespace: ["a"],
      key: "k",
      value: { blob: "x".repeat(410 * 1024) },
    });
    expect(huge).toMatchObject({ status: 422, body: { detail: expect.stringMatching(/at most 409600 bytes/) } });
    expect((await send("GET", "/store/items?namespace=a..b&key=k")).status).toBe(422);
    expect((await send("GET", "/store/items?namespace=a")).status).toBe(422);
    expect(
      (await send("POST", "/store/items/search", { namespace_prefix: ["a"], limit: 0 })).body.detail[0].loc,
    ).toEqual(["body", "limit"]);
    expect((await send("POST", "/store/items/search", {})).status).toBe(422);
    expect((await send("POST", "/store/namespaces", { prefix: ["a.b"] })).status).toBe(422);
    expect((await send("DELETE", "/store/items", { key: "k" })).status).toBe(422);

    expect(
      (await send("PUT", "/store/items", { namespace: ["a"], key: "k", value: { ok: true }, index: false, ttl: null }))
        .status,
    ).toBe(204);
    expect((await send("GET", "/store/items?namespace=a&key=k&refresh_ttl=false")).body).toMatchObject({
      value: { ok: true },
    });
    expect((await send("POST", "/store/items/search", { namespace_prefix: [] })).body.items).toHaveLength(1);
  });
});
