/**
 * POST /internal/truncate under `npm start`, as suites written against `langgraph dev` call it between tests:
 * each flag empties one kind of data; the graphs' default assistants survive an assistants truncate.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@langchain/langgraph-sdk";
import { httpStatus, localServer } from "../helpers/sdk.js";
import type { LocalSystem } from "../../lib/local/start.js";

let system: LocalSystem;
let client: Client;

beforeAll(async () => {
  ({ system, client } = await localServer());
}, 60_000);
afterAll(async () => {
  await system?.close();
});

async function truncate(flags: Record<string, unknown>): Promise<Response> {
  return fetch(`${system.url}/internal/truncate`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(flags),
  });
}

describe("POST /internal/truncate", () => {
  it("empties only what each flag names, and answers {ok: true}", async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, "simple", { input: { count: 1 } });
    await client.store.putItem(["suite"], "k", { v: 1 });

    const res = await truncate({ store: true });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(await client.store.getItem(["suite"], "k")).toBeNull();
    expect((await client.threads.getState(thread.thread_id)).values).toMatchObject({ count: 4 });

    await truncate({ checkpointer: true });
    expect((await client.threads.get(thread.thread_id)).thread_id).toBe(thread.thread_id);
    expect((await client.threads.getState(thread.thread_id)).values).not.toHaveProperty("count");

    await truncate({ runs: true });
    expect(await client.runs.list(thread.thread_id)).toEqual([]);
    await truncate({ threads: true });
    expect(await httpStatus(client.threads.get(thread.thread_id))).toBe(404);
    expect(await client.threads.search()).toEqual([]);
  });

  it("keeps the graphs' default assistants (as they are) and drops every other assistant", async () => {
    const defaults = await client.assistants.search({ metadata: { created_by: "system" }, limit: 100 });
    const mine = await client.assistants.create({ graphId: "simple", name: "made by a test" });
    await client.assistants.update(defaults[0].assistant_id, { metadata: { touched: true } });

    await truncate({ assistants: true });
    expect(await httpStatus(client.assistants.get(mine.assistant_id))).toBe(404);
    const left = await client.assistants.search({ limit: 100 });
    expect(left.map((a) => a.assistant_id).sort()).toEqual(defaults.map((a) => a.assistant_id).sort());
    expect((await client.assistants.get(defaults[0].assistant_id)).metadata).toMatchObject({ touched: true });
  });

  it("truncates everything at once, and refuses flags that are not booleans", async () => {
    await client.threads.create();
    await client.assistants.create({ graphId: "simple" });
    expect(
      (await truncate({ runs: true, threads: true, assistants: true, checkpointer: true, store: true })).status,
    ).toBe(200);
    expect(await client.threads.count()).toBe(0);
    expect(await client.assistants.count()).toBe(system.platform.graphs.ids().length);
    expect((await truncate({ threads: "yes" })).status).toBe(422);
  });
});
