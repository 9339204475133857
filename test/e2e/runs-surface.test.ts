/**
 * The rest of the runs API through the official SDK: stateless runs, batches, bulk cancel, deleting runs,
 * after_seconds and webhooks — and the store, from the API and from inside a graph.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { LocalSystem } from "../../lib/local/start.js";
import { DELETED_THREAD_EVENTS_TTL_SECONDS } from "../../lib/runs/worker.js";
import { tableNamesWithPrefix } from "../../lib/tables/definitions.js";
import { collect, httpStatus as status, human, localServer, runReaches, until } from "../helpers/sdk.js";

let system: LocalSystem;
let client: Client;
let hooks: Server;
let hookUrl: string;
const received: Record<string, unknown>[] = [];

beforeAll(async () => {
  ({ system, client } = await localServer({ platformOptions: { webhookAllowPrivate: true, webhookAttempts: 2 } }));
  hooks = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push(JSON.parse(body));
      res.writeHead(req.url === "/fail" ? 500 : 200).end();
    });
  });
  await new Promise<void>((resolve) => hooks.listen(0, "127.0.0.1", resolve));
  hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await system?.close();
  await new Promise((resolve) => hooks?.close(resolve));
});

describe("stateless runs", () => {
  it("wait returns the output and leaves no thread behind (on_completion: delete)", async () => {
    const before = await client.threads.count();
    expect(await client.runs.wait(null, "simple", { input: { count: 4 } })).toMatchObject({ count: 10 });
    await until(async () => (await client.threads.count()) === before, "the temporary thread to go");
  });

  it("stream gives the events; on_completion: keep keeps the thread with its state", async () => {
    // The metadata event is {run_id, attempt}, as on the official server: the thread id comes from Content-Location.
    let metadata: { run_id: string; thread_id?: string } = { run_id: "" };
    const onRunCreated = (created: { run_id: string; thread_id?: string }) => (metadata = created);
    const parts = await collect(
      client.runs.stream(null, "simple", {
        input: { count: 1 },
        streamMode: "values",
        onCompletion: "keep",
        onRunCreated,
      } as never),
    );
    expect(
      (parts as { event: string; data: unknown }[]).filter((p) => p.event === "values").at(-1)!.data,
    ).toMatchObject({ count: 4 });
    await until(
      async () => (await client.threads.get(metadata.thread_id!)).status === "idle",
      "the kept thread to be idle",
    );
    expect((await client.threads.getState(metadata.thread_id!)).values).toMatchObject({ count: 4 });
  });

  it("gives the events of a run whose thread is deleted a day to live (DynamoDB TTL), and a kept thread's none", async () => {
    const events = tableNamesWithPrefix("lambdagraph").events;
    const expiries = async (runId: string) => {
      const { Items } = await system.platform.client.send(
        new QueryCommand({
          TableName: events,
          KeyConditionExpression: "pk = :r",
          ExpressionAttributeValues: { ":r": runId },
        }),
      );
      expect(Items?.length).toBeGreaterThan(0);
      return Items!.map((item) => item.expires_at as number | undefined);
    };
    const runIdOf = (parts: unknown[]) =>
      (parts as { event: string; data: { run_id: string } }[]).find((p) => p.event === "metadata")!.data.run_id;
    const start = Math.floor(Date.now() / 1000);
    const deleted = runIdOf(await collect(client.runs.stream(null, "simple", { input: { count: 1 } })));
    const kept = runIdOf(
      await collect(client.runs.stream(null, "simple", { input: { count: 1 }, onCompletion: "keep" } as never)),
    );
    for (const expiry of await expiries(deleted)) {
      expect(expiry).toBeGreaterThanOrEqual(start + DELETED_THREAD_EVENTS_TTL_SECONDS);
      expect(expiry).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + DELETED_THREAD_EVENTS_TTL_SECONDS);
    }
    expect(await expiries(kept)).not.toContainEqual(expect.any(Number));
  });

  it("create runs in the background; batch creates several", async () => {
    // The SDK types onCompletion as "complete" | "continue"; the API (and the official servers) take "delete" | "keep".
    const run = await client.runs.create(null, "simple", { input: { count: 0 }, onCompletion: "keep" as never });
    expect((await runReaches(client, run.thread_id, run.run_id, ["success"])).status).toBe("success");
    // createBatch sends each payload as given (only assistantId is also copied to assistant_id): snake_case here.
    const batch = await client.runs.createBatch([
      { assistantId: "simple", input: { count: 1 }, on_completion: "keep" } as never,
      { assistantId: "simple", input: { count: 2 }, on_completion: "keep" } as never,
    ]);
    expect(batch).toHaveLength(2);
    expect(new Set(batch.map((r) => r.thread_id)).size).toBe(2);
    for (const r of batch) await runReaches(client, r.thread_id, r.run_id, ["success"]);
    expect((await client.threads.getState(batch[1].thread_id)).values).toMatchObject({ count: 6 });
  });
});

describe("managing runs", () => {
  it("deletes a finished run (404 after) but refuses a running one (409)", async () => {
    const thread = await client.threads.create();
    const running = await client.runs.create(thread.thread_id, "agent", {
      input: human("slow: a reply that takes a while to write out"),
    });
    await runReaches(client, thread.thread_id, running.run_id, ["running"]);
    expect(await status(client.runs.delete(thread.thread_id, running.run_id))).toBe(409);
    await client.runs.cancel(thread.thread_id, running.run_id, true);
    await client.runs.delete(thread.thread_id, running.run_id);
    expect(await status(client.runs.get(thread.thread_id, running.run_id))).toBe(404);
    expect(await client.runs.list(thread.thread_id)).toEqual([]);
  });

  it("cancelling a run that has ended is answered as done (202, with wait 204), and changes nothing", async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "simple", { input: { count: 1 } });
    await client.runs.join(thread.thread_id, run.run_id);
    for (const query of ["", "?wait=1", "?action=rollback"]) {
      const res = await fetch(`${system.url}/threads/${thread.thread_id}/runs/${run.run_id}/cancel${query}`, {
        method: "POST",
      });
      expect(res.status).toBe(query === "?wait=1" ? 204 : 202);
    }
    expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe("success");
    expect((await client.threads.getState(thread.thread_id)).values).toMatchObject({ count: 4 });
    expect(await status(client.runs.cancel(thread.thread_id, "00000000-0000-4000-8000-000000000000"))).toBe(404);
  });

  it("joining a run that is not there gives a stream of one error event (by the run's id alone, an empty one)", async () => {
    const thread = await client.threads.create();
    const missing = "00000000-0000-4000-8000-000000000000";
    expect(await collect(client.runs.joinStream(thread.thread_id, missing))).toEqual([
      { event: "error", data: "Run not found" },
    ]);
    expect(await collect(client.runs.joinStream(null, missing))).toEqual([]);
  });

  it("cancelMany stops the given runs of a thread, or every running run by status", async () => {
    const a = await client.threads.create();
    const b = await client.threads.create();
    const runA = await client.runs.create(a.thread_id, "agent", {
      input: human("slow: one two three four five six seven"),
    });
    const runB = await client.runs.create(b.thread_id, "agent", {
      input: human("slow: one two three four five six seven"),
    });
    await runReaches(client, a.thread_id, runA.run_id, ["running"]);
    await client.runs.cancelMany({ threadId: a.thread_id, runIds: [runA.run_id] });
    expect((await runReaches(client, a.thread_id, runA.run_id, ["interrupted", "success"])).status).toBe("interrupted");
    await runReaches(client, b.thread_id, runB.run_id, ["running"]);
    await client.runs.cancelMany({ status: "running" });
    expect((await runReaches(client, b.thread_id, runB.run_id, ["interrupted", "success"])).status).toBe("interrupted");
  });

  it("after_seconds holds the run pending, then runs it", async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "simple", { input: { count: 1 }, afterSeconds: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe("pending");
    expect((await runReaches(client, thread.thread_id, run.run_id, ["success"])).status).toBe("success");
  });

  it("POSTs the finished run with its values to the webhook", async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "simple", {
      input: { count: 2 },
      webhook: `${hookUrl}/done`,
    });
    await until(() => received.some((r) => r.run_id === run.run_id), "the webhook");
    expect(received.find((r) => r.run_id === run.run_id)).toMatchObject({
      run_id: run.run_id,
      thread_id: thread.thread_id,
      status: "success",
      values: { count: 6 },
    });
  });

  it("refuses a malformed webhook or too long a delay with 422 naming the field", async () => {
    const thread = await client.threads.create();
    for (const [body, field] of [
      [{ assistant_id: "simple", webhook: "ftp://example.com/x" }, "webhook"],
      [{ assistant_id: "simple", webhook: "not a url" }, "webhook"],
      [{ assistant_id: "simple", after_seconds: 100_000 }, "after_seconds"],
      [{ assistant_id: "simple", after_seconds: -1 }, "after_seconds"],
    ] as const) {
      const res = await fetch(`${system.url}/threads/${thread.thread_id}/runs`, {
        method: "POST",
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(422);
      expect(JSON.stringify(await res.json())).toContain(field);
    }
    const res = await fetch(`${system.url}/runs/cancel`, { method: "POST", body: JSON.stringify({}) });
    expect(res.status).toBe(422);
    expect(await client.runs.list(thread.thread_id)).toEqual([]);
  });
});

describe("store", () => {
  it("puts, gets, searches, lists namespaces and deletes items", async () => {
    await client.store.putItem(["prefs", "alice"], "theme", { color: "dark", size: 2 });
    await client.store.putItem(["prefs", "alice"], "lang", { code: "fr", size: 1 });
    await client.store.putItem(["prefs", "bob"], "theme", { color: "light", size: 3 });
    expect(await client.store.getItem(["prefs", "alice"], "theme")).toMatchObject({
      namespace: ["prefs", "alice"],
      key: "theme",
      value: { color: "dark", size: 2 },
    });
    expect(await client.store.getItem(["prefs", "alice"], "missing")).toBeNull();

    const all = await client.store.searchItems(["prefs"], { limit: 10 });
    expect(all.items).toHaveLength(3);
    const filtered = await client.store.searchItems(["prefs"], { filter: { color: "dark" } });
    expect(filtered.items.map((i) => i.key)).toEqual(["theme"]);
    expect((await client.store.searchItems(["prefs", "alice"], { limit: 1, offset: 1 })).items).toHaveLength(1);

    const namespaces = await client.store.listNamespaces({ prefix: ["prefs"] });
    expect(namespaces.namespaces).toEqual(
      expect.arrayContaining([
        ["prefs", "alice"],
        ["prefs", "bob"],
      ]),
    );
    expect((await client.store.listNamespaces({ prefix: ["prefs"], maxDepth: 1 })).namespaces).toEqual([["prefs"]]);

    await client.store.deleteItem(["prefs", "alice"], "theme");
    expect(await client.store.getItem(["prefs", "alice"], "theme")).toBeNull();
  });

  it("hands the same store to graphs: what a node writes is visible through the API, and the next run reads it", async () => {
    const thread = await client.threads.create();
    const config = { configurable: { user_id: "carol" } };
    await client.runs.wait(thread.thread_id, "memory", { input: { note: "likes tea" }, config });
    const out = (await client.runs.wait(thread.thread_id, "memory", { input: { note: "lives in Lyon" }, config })) as {
      notes: string[];
    };
    expect(out.notes.sort()).toEqual(["likes tea", "lives in Lyon"]);
    const items = await client.store.searchItems(["notes", "carol"]);
    expect(items.items.map((i) => i.value.text).sort()).toEqual(["likes tea", "lives in Lyon"]);
  });

  it("answers bad input with 422 naming the field", async () => {
    const res = await fetch(`${system.url}/store/items`, {
      method: "PUT",
      body: JSON.stringify({ namespace: ["a.b"], key: "k", value: {} }),
    });
    expect(res.status).toBe(422);
    expect(JSON.stringify(await res.json())).toContain("namespace");
    const search = await fetch(`${system.url}/store/items/search`, {
      method: "POST",
      body: JSON.stringify({ limit: "ten" }),
    });
    expect(search.status).toBe(422);
  });
});
