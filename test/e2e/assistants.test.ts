/** Assistants through the official SDK: stored, versioned, searched, and what a run on one executes. */
import type { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultAssistantId } from "../../lib/ids.js";
import type { LocalSystem } from "../../lib/local/start.js";
import { httpStatus as status, localServer } from "../helpers/sdk.js";

let system: LocalSystem;
let client: Client;

beforeAll(async () => ({ system, client } = await localServer()));
afterAll(() => system?.close());

describe("assistants", () => {
  it("has one default assistant per graph, stored at start-up, addressable by graph id or its uuid5", async () => {
    const byGraph = await client.assistants.get("simple");
    expect(byGraph).toMatchObject({
      assistant_id: defaultAssistantId("simple"),
      graph_id: "simple",
      version: 1,
      metadata: { created_by: "system" },
    });
    expect(await client.assistants.get(defaultAssistantId("simple"))).toEqual(byGraph);
    const system = await client.assistants.search({ metadata: { created_by: "system" }, limit: 100 });
    expect(system.map((a) => a.graph_id).sort()).toEqual(["agent", "memory", "nested", "simple"]);
  });

  it("creates an assistant; if_exists raise gives 409, do_nothing returns the existing one", async () => {
    const created = await client.assistants.create({
      graphId: "simple",
      name: "stepper",
      config: { configurable: { step: 5 } },
      metadata: { team: "a" },
    });
    expect(created).toMatchObject({
      graph_id: "simple",
      name: "stepper",
      version: 1,
      config: { configurable: { step: 5 } },
      metadata: { team: "a" },
    });
    expect(await client.assistants.get(created.assistant_id)).toEqual(created);
    expect(await status(client.assistants.create({ graphId: "simple", assistantId: created.assistant_id }))).toBe(409);
    const again = await client.assistants.create({
      graphId: "simple",
      assistantId: created.assistant_id,
      ifExists: "do_nothing",
      name: "other",
    });
    expect(again).toEqual(created);
    // A graph this server does not have is accepted, as on the official server (reading its graph is a 404).
    expect((await client.assistants.create({ graphId: "no-such-graph" })).graph_id).toBe("no-such-graph");
  });

  it("runs with the assistant's config and context under the run's own", async () => {
    const assistant = await client.assistants.create({
      graphId: "simple",
      config: { configurable: { step: 5 } },
      context: { factor: 3 },
    });
    const thread = await client.threads.create();
    // (0 + 5) * 3
    expect(await client.runs.wait(thread.thread_id, assistant.assistant_id, { input: { count: 0 } })).toMatchObject({
      count: 15,
    });
    // The run's configurable wins over the assistant's: (15 + 1) * 3
    expect(
      await client.runs.wait(thread.thread_id, assistant.assistant_id, {
        input: {},
        config: { configurable: { step: 1 } },
      }),
    ).toMatchObject({ count: 48 });
    const [run] = await client.runs.list(thread.thread_id, { limit: 1 });
    expect(run.assistant_id).toBe(assistant.assistant_id);
    expect((await client.threads.get(thread.thread_id)).metadata).toMatchObject({
      assistant_id: assistant.assistant_id,
      graph_id: "simple",
    });
  });

  it("update makes a new version (metadata merged); versions lists them; setLatest serves an old one again", async () => {
    const a = await client.assistants.create({
      graphId: "simple",
      name: "v",
      config: { configurable: { step: 1 } },
      metadata: { owner: "x" },
    });
    const v2 = await client.assistants.update(a.assistant_id, {
      config: { configurable: { step: 2 } },
      metadata: { stage: "beta" },
    });
    expect(v2).toMatchObject({
      version: 2,
      config: { configurable: { step: 2 } },
      metadata: { owner: "x", stage: "beta" },
      name: "v",
    });
    const v3 = await client.assistants.update(a.assistant_id, { name: "renamed" });
    expect(v3).toMatchObject({ version: 3, name: "renamed", config: { configurable: { step: 2 } } });

    const versions = await client.assistants.getVersions(a.assistant_id);
    expect(versions.map((v) => v.version)).toEqual([3, 2, 1]);
    expect(versions[2]).toMatchObject({ config: { configurable: { step: 1 } }, metadata: { owner: "x" } });
    expect(
      (await client.assistants.getVersions(a.assistant_id, { metadata: { stage: "beta" } })).map((v) => v.version),
    ).toEqual([3, 2]);
    expect(
      (await client.assistants.getVersions(a.assistant_id, { limit: 1, offset: 1 })).map((v) => v.version),
    ).toEqual([2]);
    // A page with no version in it is a 404, as on the official server: a filter that matches none, an offset past them.
    expect(await status(client.assistants.getVersions(a.assistant_id, { metadata: { stage: "gone" } }))).toBe(404);
    expect(await status(client.assistants.getVersions(a.assistant_id, { offset: 3 }))).toBe(404);

    const back = await client.assistants.setLatest(a.assistant_id, 1);
    expect(back).toMatchObject({ version: 1, config: { configurable: { step: 1 } }, name: "v" });
    expect(await client.assistants.get(a.assistant_id)).toMatchObject({ version: 1 });
    // An update too large to store (over DynamoDB's 400 KB item) is refused and takes no number; the next gets 4.
    expect(
      await status(
        client.assistants.update(a.assistant_id, { config: { configurable: { big: "x".repeat(450_000) } } }),
      ),
    ).toBe(422);
    expect(await client.assistants.update(a.assistant_id, { metadata: { n: 4 } })).toMatchObject({ version: 4 });
    expect((await client.assistants.getVersions(a.assistant_id)).map((v) => v.version)).toEqual([4, 3, 2, 1]);
    expect(await status(client.assistants.setLatest(a.assistant_id, 99))).toBe(404);
  });

  it("gives every one of 10 concurrent updates its own version number", async () => {
    const a = await client.assistants.create({ graphId: "simple" });
    const updated = await Promise.all(
      Array.from({ length: 10 }, (_, i) => client.assistants.update(a.assistant_id, { metadata: { [`k${i}`]: i } })),
    );
    expect(updated.map((u) => u.version).sort((x, y) => x - y)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect((await client.assistants.getVersions(a.assistant_id, { limit: 100 })).length).toBe(11);
  });

  it("searches by graph, name, metadata with sort, select and pagination; counts", async () => {
    const tag = `search-${Date.now()}`;
    for (const name of ["alpha", "beta", "gamma"])
      await client.assistants.create({ graphId: "nested", name, metadata: { tag } });
    const all = await client.assistants.search({ metadata: { tag }, sortBy: "name", sortOrder: "asc" });
    expect(all.map((a) => a.name)).toEqual(["alpha", "beta", "gamma"]);
    expect((await client.assistants.search({ metadata: { tag } })).map((a) => a.name)).toEqual([
      "gamma",
      "beta",
      "alpha",
    ]); // newest first
    expect((await client.assistants.search({ metadata: { tag }, name: "AM" })).map((a) => a.name)).toEqual(["gamma"]);
    const paged = await client.assistants.search({
      metadata: { tag },
      limit: 2,
      sortBy: "name",
      sortOrder: "asc",
      includePagination: true,
    });
    expect(paged.assistants.map((a) => a.name)).toEqual(["alpha", "beta"]);
    expect(paged.next).toBe("2");
    const last = await client.assistants.search({
      metadata: { tag },
      limit: 2,
      offset: 2,
      sortBy: "name",
      sortOrder: "asc",
      includePagination: true,
    });
    expect(last.assistants.map((a) => a.name)).toEqual(["gamma"]);
    expect(last.next).toBeNull();
    const selected = await client.assistants.search({ metadata: { tag }, select: ["assistant_id", "name"], limit: 1 });
    expect(Object.keys(selected[0]).sort()).toEqual(["assistant_id", "name"]);
    expect(await client.assistants.count({ metadata: { tag } })).toBe(3);
    expect(await client.assistants.count({ metadata: { tag }, graphId: "simple" })).toBe(0);
  });

  it("deletes an assistant with its versions, and with deleteThreads its threads", async () => {
    const a = await client.assistants.create({ graphId: "simple" });
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, a.assistant_id, { input: { count: 1 } });
    const kept = await client.threads.create();
    await client.runs.wait(kept.thread_id, "simple", { input: { count: 1 } });
    await client.assistants.delete(a.assistant_id, { deleteThreads: true });
    expect(await status(client.assistants.get(a.assistant_id))).toBe(404);
    expect(await status(client.assistants.getVersions(a.assistant_id))).toBe(404);
    expect(await status(client.threads.get(thread.thread_id))).toBe(404);
    expect(await client.threads.get(kept.thread_id)).toBeTruthy();
    expect(await status(client.assistants.delete(a.assistant_id))).toBe(404);
  });

  it("serves the graph (with xray), schemas and subgraphs of an assistant", async () => {
    const graph = (await client.assistants.getGraph("nested")) as { nodes: { id: string }[] };
    expect(graph.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(["inner", "wrap"]));
    const xray = (await client.assistants.getGraph("nested", { xray: true })) as { nodes: { id: string }[] };
    expect(xray.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(["inner:shout", "inner:exclaim"]));
    expect(await client.assistants.getSchemas("simple")).toMatchObject({ graph_id: "simple" });
    expect(Object.keys(await client.assistants.getSubgraphs("nested"))).toEqual(["inner"]);
    expect(Object.keys(await client.assistants.getSubgraphs("nested", { namespace: "inner" }))).toEqual(["inner"]);
    expect(await client.assistants.getSubgraphs("simple", { recurse: true })).toEqual({});
  });

  it("answers bad input with 422 naming the field and unknown ids with 404", async () => {
    const res = await fetch(`${system.url}/assistants`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ graph_id: 7 }),
    });
    expect(res.status).toBe(422);
    expect(JSON.stringify(await res.json())).toContain("graph_id");
    const bad = await fetch(`${system.url}/assistants/search`, {
      method: "POST",
      body: JSON.stringify({ sort_by: "nope" }),
    });
    expect(bad.status).toBe(422);
    expect(await status(client.assistants.get("00000000-0000-4000-8000-000000000000"))).toBe(404);
    expect(await status(client.assistants.update("00000000-0000-4000-8000-000000000000", { name: "x" }))).toBe(404);
  });
});
