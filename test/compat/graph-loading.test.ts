/**
 * A langgraph.json project written the way LangGraph.js users write it for `langgraph dev`
 * (test/compat/graphs/loading/): a Promise export, a factory whose shape follows `configurable.nodeName`,
 * getLogger() in a graph, LANGGRAPH_CONFIG set through `env`, a `{path, description}` entry, and keys we do not
 * honour — served by `npm start`'s local system and driven with the official SDK. Behaviour checked against the
 * official server on the same project (bench/official-server.ts).
 */
import type { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { LocalSystem } from "../../lib/local/start.js";
import { localServer } from "../helpers/sdk.js";

const CONFIG = "test/compat/graphs/loading/langgraph.json";
const nodesOf = (drawn: { nodes: { id: string | number }[] }) => drawn.nodes.map((n) => n.id);

let system: LocalSystem;
let client: Client;
const warnings: string[] = [];
const logLines: string[] = [];

beforeAll(async () => {
  // Warnings are JSON log lines on stderr (lib/log: console.error for warn and error).
  const warn = vi.spyOn(console, "error").mockImplementation((line: unknown) => void warnings.push(String(line)));
  const log = vi.spyOn(console, "log").mockImplementation((line: unknown) => void logLines.push(String(line)));
  try {
    ({ system, client } = await localServer({ config: CONFIG }));
  } finally {
    warn.mockRestore();
  }
  log.mockRestore();
  // Lines the graph logs while it runs (after start-up) are kept too.
  vi.spyOn(console, "log").mockImplementation((line: unknown) => void logLines.push(String(line)));
}, 120_000);
afterAll(async () => {
  vi.restoreAllMocks();
  await system?.close();
});

describe("loading graphs as langgraph dev does", () => {
  it("serves a graph exported as a Promise", async () => {
    const thread = await client.threads.create();
    expect(await client.runs.wait(thread.thread_id, "promised", { input: { topic: "cats" } })).toEqual({
      topic: "cats",
      outline: ["cats: intro", "cats: body"],
    });
  });

  it("gives the default assistant its config and context from LANGGRAPH_CONFIG (set through env), and runs use them", async () => {
    const assistant = await client.assistants.get("factory");
    expect(assistant.config).toEqual({ configurable: { nodeName: "from_env" }, recursion_limit: 12 });
    expect(assistant.context).toEqual({ tone: "dry" });
    const thread = await client.threads.create();
    expect(await client.runs.wait(thread.thread_id, "factory", { input: {} })).toEqual({
      visited: ["from_env"],
      tone: "dry",
    });
  });

  it("builds a factory's graph from the assistant's config for /graph and from the run's merged config for runs", async () => {
    expect(nodesOf(await client.assistants.getGraph("factory"))).toEqual(["__start__", "from_env", "__end__"]);
    const picked = await client.assistants.create({
      graphId: "factory",
      config: { configurable: { nodeName: "picked" } },
    });
    expect(nodesOf(await client.assistants.getGraph(picked.assistant_id))).toEqual(["__start__", "picked", "__end__"]);
    const thread = await client.threads.create();
    // The run's context reaches the node (runtime.context); the assistant picks the node.
    expect(
      await client.runs.wait(thread.thread_id, picked.assistant_id, { input: {}, context: { tone: "warm" } }),
    ).toEqual({
      visited: ["picked"],
      tone: "warm",
    });
  });

  it("reads and updates a thread's state with the graph its runs used (a node named by the run's own config)", async () => {
    const thread = await client.threads.create();
    const config = { configurable: { nodeName: "per_run" } };
    expect(await client.runs.wait(thread.thread_id, "factory", { input: {}, config })).toEqual({
      visited: ["per_run"],
      tone: "dry",
    });
    expect((await client.threads.getHistory(thread.thread_id)).map((s) => s.next)).toEqual([
      [],
      ["per_run"],
      ["__start__"],
    ]);
    await client.threads.updateState(thread.thread_id, { values: { visited: ["by hand"] }, asNode: "per_run" });
    const state = await client.threads.getState(thread.thread_id);
    expect(state.values).toEqual({ visited: ["per_run", "by hand"], tone: "dry" });
    expect(state.metadata).toMatchObject({ source: "update" });
  });

  it("lets graphs log through getLogger(), at module top level and in nodes, as JSON lines", async () => {
    const thread = await client.threads.create();
    expect(await client.runs.wait(thread.thread_id, "logging", { input: { n: 1 } })).toEqual({ n: 2 });
    const entries = logLines.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
    expect(entries).toContainEqual({ level: "info", msg: "logging graph loaded" });
    expect(entries).toContainEqual(
      expect.objectContaining({
        level: "info",
        msg: "counting",
        from: 1,
        langgraph_node: "count",
        thread_id: thread.thread_id,
        graph_id: "logging",
      }),
    );
  });

  it("loads a {path, description} graph entry; as on the official server the default assistant has no description", async () => {
    const assistant = await client.assistants.get("annotated");
    expect(assistant).toMatchObject({ graph_id: "annotated", name: "annotated", description: null });
    const thread = await client.threads.create();
    expect(await client.runs.wait(thread.thread_id, "annotated", { input: { question: "why?" } })).toMatchObject({
      answer: "a first draft for why?",
    });
  });

  it("names the langgraph.json keys it does not honour in one warning at start", () => {
    const named = warnings.filter((line) => line.includes("does not honour"));
    expect(named).toHaveLength(1);
    expect(JSON.parse(named[0]).keys).toEqual([
      "graphs.annotated.description",
      "python_version",
      "auth.openapi",
      "store.index",
    ]);
  });
});
