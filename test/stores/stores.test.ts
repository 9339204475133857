import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uuid7 } from "../../lib/ids.js";
import { RunStore, type StoredRun } from "../../lib/stores/run-store.js";
import { ThreadStore, newThread } from "../../lib/stores/thread-store.js";
import { EventLog } from "../../lib/stream/event-log.js";
import { LiveHub } from "../../lib/stream/live-hub.js";
import { RequestMeter } from "../../lib/dynamo/request-meter.js";
import { startTestDynamo, type TestDynamo } from "../helpers/dynamo.js";

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

const now = () => new Date().toISOString();

describe("ThreadStore lock", () => {
  it("gives an idle thread to exactly one of 20 concurrent runs, each on its own client", async () => {
    const tables = await dynamo.freshTables();
    const threadId = uuid7();
    await new ThreadStore(dynamo.client, tables.threads).create(newThread(threadId, {}));
    const contenders = Array.from({ length: 20 }, () => ({
      runId: uuid7(),
      store: new ThreadStore(dynamo.newClient(), tables.threads),
    }));
    const results = await Promise.all(contenders.map(({ runId, store }) => store.acquire(threadId, runId, now())));
    expect(results.filter((r) => r === "acquired")).toHaveLength(1);
    expect(results.filter((r) => r === "busy")).toHaveLength(19);
    const winner = contenders[results.indexOf("acquired")].runId;
    const thread = await new ThreadStore(dynamo.client, tables.threads).get(threadId);
    expect(thread?.active_run).toBe(winner);
    expect(thread?.status).toBe("busy");
  });

  it("answers missing for an unknown thread, and only the holder can release", async () => {
    const tables = await dynamo.freshTables();
    const store = new ThreadStore(dynamo.client, tables.threads);
    expect(await store.acquire(uuid7(), uuid7(), now())).toBe("missing");
    const threadId = uuid7();
    await store.create(newThread(threadId, { owner: "me" }));
    const holder = uuid7();
    expect(await store.acquire(threadId, holder, now())).toBe("acquired");
    expect(await store.release(threadId, uuid7(), { status: "idle", now: now() })).toBe(false);
    expect((await store.get(threadId))?.status).toBe("busy");
    // Released, with the count of runs that marked they wait in line for the thread (none here), and the
    // `updated_at` it wrote.
    const at = now();
    expect(await store.release(threadId, holder, { status: "interrupted", values: { a: [1, 2] }, now: at })).toEqual({
      waitingMarks: 0,
      updatedAt: at,
    });
    const released = await store.get(threadId);
    expect(released).toMatchObject({
      status: "interrupted",
      values: { a: [1, 2] },
      metadata: { owner: "me" },
      updated_at: at,
    });
    expect(released?.active_run).toBeUndefined();
    expect(await store.acquire(threadId, uuid7(), now())).toBe("acquired");
  });
});

describe("RunStore", () => {
  function run(threadId: string): StoredRun {
    const t = now();
    return {
      run_id: uuid7(),
      thread_id: threadId,
      assistant_id: "a",
      status: "pending",
      metadata: {},
      kwargs: {
        graph_id: "agent",
        input: { "": "empty key", n: Number.MAX_SAFE_INTEGER },
        stream_mode: ["values"],
        stream_subgraphs: false,
        stream_resumable: false,
        on_disconnect: "continue",
      },
      multitask_strategy: "enqueue",
      created_at: t,
      updated_at: t,
      attempt: 0,
    };
  }

  it("moves a run pending → running → final once, lists oldest first and finds the latest", async () => {
    const tables = await dynamo.freshTables();
    const store = new RunStore(dynamo.client, tables.runs);
    const threadId = uuid7();
    const first = run(threadId);
    const second = run(threadId);
    await store.create(first);
    await store.create(second);
    expect((await store.list(threadId, { limit: 10, offset: 0 })).map((r) => r.run_id)).toEqual([
      first.run_id,
      second.run_id,
    ]);
    expect((await store.latest(threadId))?.run_id).toBe(second.run_id);
    expect((await store.nextPending(threadId))?.run_id).toBe(first.run_id);
    expect((await store.get(threadId, first.run_id))?.kwargs).toEqual(first.kwargs);

    const claims = await Promise.all([1, 2, 3].map(() => store.claim(threadId, first.run_id, now(), 30_000)));
    expect(claims.filter(Boolean)).toHaveLength(1); // a duplicate delivery claims nothing
    expect(await store.finish(threadId, first.run_id, "success", now())).toBe(true);
    expect(await store.finish(threadId, first.run_id, "error", now())).toBe(false);
    expect(await store.requestCancel(threadId, first.run_id, "interrupt", now())).toBe(false);
    expect(await store.get(threadId, first.run_id)).toMatchObject({ status: "success", attempt: 1 });
    expect((await store.nextPending(threadId))?.run_id).toBe(second.run_id);
  });
});

describe("EventLog", () => {
  it("batches many events per write and replays exactly the events after any id, from another process", async () => {
    const tables = await dynamo.freshTables();
    const client = dynamo.newClient();
    const meter = new RequestMeter().attach(client);
    const writer = await new EventLog(client, tables.events, new LiveHub(), { flushMs: 20 }).writer("run-1");
    writer.append("metadata", { run_id: "run-1" });
    for (let i = 0; i < 500; i++) writer.append("messages", [{ content: `t${i}` }, {}]);
    writer.append("end", null);
    await writer.close();
    expect(meter.take().byOperation.PutItem).toBeLessThanOrEqual(2);

    // A reader with its own hub, as in another Lambda: it can only see the table.
    const reader = new EventLog(dynamo.newClient(), tables.events, new LiveHub());
    const all = await reader.read("run-1", -1);
    expect(all.map((e) => e.id)).toEqual(Array.from({ length: 502 }, (_, i) => i));
    const tail = await reader.read("run-1", 499);
    expect(tail.map((e) => [e.id, e.event])).toEqual([
      [500, "messages"],
      [501, "end"],
    ]);
    const followed = [];
    for await (const event of reader.follow("run-1", 250)) followed.push(event.id);
    expect(followed).toEqual(Array.from({ length: 251 }, (_, i) => 251 + i));
  });

  it("lets a local reader follow events as they are appended, before they are stored", async () => {
    const tables = await dynamo.freshTables();
    const hub = new LiveHub();
    const log = new EventLog(dynamo.client, tables.events, hub, { flushMs: 60_000 });
    const writer = await log.writer("run-2");
    writer.append("metadata", { run_id: "run-2" });
    const seen: string[] = [];
    const following = (async () => {
      for await (const event of log.follow("run-2", -1)) {
        seen.push(event.event);
        if (event.event === "values") writer.append("end", null); // react to what we saw: it was live
      }
    })();
    await new Promise((r) => setTimeout(r, 10));
    writer.append("values", { a: 1 });
    await following;
    expect(seen).toEqual(["metadata", "values", "end"]);
    expect(await log.read("run-2", -1)).toEqual([]); // nothing stored yet: the reader followed memory
    await writer.close();
    expect((await log.read("run-2", -1)).map((e) => e.event)).toEqual(["metadata", "values", "end"]);
  });
});
