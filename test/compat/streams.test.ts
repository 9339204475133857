/**
 * Run streams as the official JS server (@langchain/langgraph-api) sends them, checked side by side with it on the
 * graphs in test/compat/graphs/streams (test/compat/graphs/streams/side-by-side.ts runs the comparison). Driven
 * through the SDK, as user code reads them, against the real local system.
 */
import type { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalSystem } from "../../lib/local/start.js";
import { collect, localServer } from "../helpers/sdk.js";

let system: LocalSystem;
let client: Client;

beforeAll(async () => {
  ({ system, client } = await localServer({ config: "test/compat/graphs/streams/langgraph.json" }));
}, 60_000);
afterAll(() => system?.close());

type Part = { event: string; data: any };
const hello = { messages: [{ type: "human", content: "hello" }] };

async function stream(
  graph: string,
  input: unknown,
  options: Record<string, unknown> = {},
): Promise<{ threadId: string; parts: Part[] }> {
  const thread = await client.threads.create();
  const parts = (await collect(client.runs.stream(thread.thread_id, graph, { input, ...options } as never))) as Part[];
  return { threadId: thread.thread_id, parts };
}

describe("how a stream ends", () => {
  it("closes after the last values event: user code gets no `end` chunk", async () => {
    const { parts } = await stream("nested", { word: "hi" });
    expect(parts.map((p) => p.event)).toEqual(["metadata", "values", "values", "values"]);
    expect(parts.at(-1)?.data).toEqual({ word: '"HI!"' });
  });

  it("ends a failed run with its error event, the error named as the official server names it", async () => {
    const { parts } = await stream("chat", { messages: [{ type: "human", content: "please fail" }] });
    expect(parts.map((p) => p.event)).toEqual(["metadata", "values", "error"]);
    // An Error subclass that sets no `name` is an "Error" (the error's name, not its class's).
    expect(parts.at(-1)?.data).toEqual({ error: "Error", message: "asked to fail" });
  });

  it("sends no `end` on a join either, during the run or replayed after it", async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "nested", { input: { word: "a" }, streamMode: ["updates"] });
    const live = (await collect(client.runs.joinStream(thread.thread_id, run.run_id))) as Part[];
    expect(live.some((p) => p.event === "end")).toBe(false);
    const replayed = (await collect(
      client.runs.joinStream(thread.thread_id, run.run_id, { lastEventId: "-1" }),
    )) as Part[];
    expect(replayed.map((p) => p.event)).toEqual(["metadata", "updates", "updates"]);
  });
});

describe("the metadata event", () => {
  it("is exactly {run_id, attempt}", async () => {
    let created: { run_id: string } | undefined;
    const thread = await client.threads.create();
    const parts = (await collect(
      client.runs.stream(thread.thread_id, "nested", {
        input: { word: "a" },
        onRunCreated: (run: { run_id: string }) => (created = run),
      } as never),
    )) as Part[];
    expect(parts[0].event).toBe("metadata");
    expect(parts[0].data).toEqual({ run_id: created!.run_id, attempt: 1 });
  });
});

describe("debug, tasks and checkpoints modes", () => {
  it("debug checkpoints carry checkpoint and parent_checkpoint references, parent_config, and no graph internals", async () => {
    const { threadId, parts } = await stream(
      "nested",
      { word: "hi" },
      { streamMode: ["debug"], streamSubgraphs: true },
    );
    const checkpoints = parts
      .filter((p) => p.event.startsWith("debug") && p.data.type === "checkpoint")
      .map((p) => ({ ns: p.event, ...p.data.payload }));
    expect(checkpoints.length).toBe(8); // steps -1 to 2, of the root and of the subgraph
    const [first, second] = checkpoints;
    expect(first.checkpoint).toEqual({
      thread_id: threadId,
      checkpoint_id: first.config.configurable.checkpoint_id,
      checkpoint_ns: "",
      checkpoint_map: null,
    });
    expect(first.parent_checkpoint).toBeNull();
    expect(first).not.toHaveProperty("parent_config");
    expect(second.parent_checkpoint).toEqual(first.checkpoint);
    expect(second.parent_config.configurable.checkpoint_id).toBe(first.checkpoint.checkpoint_id);
    for (const payload of checkpoints) {
      expect(payload).not.toHaveProperty("parentConfig");
      expect(Object.keys(payload.config.configurable).filter((key) => key.startsWith("__"))).toEqual([]);
    }
    // The subgraph's checkpoints point into its namespace, with the parent's checkpoint in checkpoint_map.
    const child = checkpoints.find((c) => c.ns.startsWith("debug|child:"))!;
    expect(child.checkpoint).toMatchObject({
      thread_id: threadId,
      checkpoint_ns: child.ns.slice("debug|".length),
      checkpoint_map: { "": second.checkpoint.checkpoint_id },
    });
    // The parent's task that runs the subgraph names the subgraph's checkpoint (not a `state` config).
    const childTask = second.tasks.find((t: { name: string }) => t.name === "child");
    expect(childTask).not.toHaveProperty("state");
    expect(childTask.checkpoint).toEqual({
      thread_id: threadId,
      checkpoint_id: null,
      checkpoint_ns: `child:${childTask.id}`,
      checkpoint_map: null,
    });
  });

  it("checkpoints events are {values, metadata, next}", async () => {
    const { parts } = await stream("nested", { word: "hi" }, { streamMode: ["checkpoints"] });
    const checkpoints = parts.filter((p) => p.event === "checkpoints");
    expect(checkpoints.map((p) => Object.keys(p.data).sort())).toEqual(
      checkpoints.map(() => ["metadata", "next", "values"]),
    );
    expect(checkpoints.map((p) => p.data.next)).toEqual([["__start__"], ["child"], ["quote"], []]);
    expect(checkpoints.at(-1)?.data.values).toEqual({ word: '"HI!"' });
  });

  it("tasks events are the task starts and results, a model's reply as the chunk it streamed", async () => {
    const { parts } = await stream("chat", hello, { streamMode: ["tasks"] });
    const [start, result] = parts.filter((p) => p.event === "tasks").map((p) => p.data);
    expect(Object.keys(start).sort()).toEqual(["id", "input", "interrupts", "metadata", "name", "triggers"]);
    expect(result).toMatchObject({ id: start.id, name: "model", interrupts: [], error: null });
    // Chat models stream on the official server whatever the mode, so their reply is an AIMessageChunk.
    expect(result.result.messages[0]).toMatchObject({
      type: "ai",
      content: "hi there",
      tool_call_chunks: [],
      id: expect.stringMatching(/^run-/),
    });
  });
});

describe("checkpoint envelopes with stream_subgraphs", () => {
  const names = (parts: Part[]) => parts.map((p) => p.event.replace(/child:[0-9a-f-]+/, "child"));

  it("put a {id, parent_id, step, source} checkpoints event before each values event, root and subgraph", async () => {
    const { parts } = await stream("nested", { word: "hi" }, { streamMode: ["values"], streamSubgraphs: true });
    expect(names(parts)).toEqual([
      "metadata",
      ...["checkpoints", "values"],
      ...Array.from({ length: 3 }, () => ["checkpoints|child", "values|child"]).flat(),
      ...["checkpoints", "values", "checkpoints", "values"],
    ]);
    const envelopes = parts.filter((p) => p.event.startsWith("checkpoints"));
    expect(envelopes.map((p) => [p.data.step, p.data.source])).toEqual([
      [0, "loop"],
      [0, "loop"],
      [1, "loop"],
      [2, "loop"],
      [1, "loop"],
      [2, "loop"],
    ]);
    for (const { data } of envelopes) {
      expect(Object.keys(data).sort()).toEqual(["id", "parent_id", "source", "step"]);
      expect(typeof data.id).toBe("string");
    }
    // Each envelope of a graph names the one before it as its parent.
    const root = envelopes.filter((p) => p.event === "checkpoints").map((p) => p.data);
    expect(root[1].parent_id).toBe(root[0].id);
    expect(root[2].parent_id).toBe(root[1].id);
  });

  it("come with the legacy messages mode too, and not when the full checkpoints mode is asked for", async () => {
    const { parts: messages } = await stream(
      "nested",
      { word: "hi" },
      { streamMode: ["messages"], streamSubgraphs: true },
    );
    expect(names(messages)).toEqual([
      "metadata",
      "checkpoints",
      ...Array.from({ length: 3 }, () => "checkpoints|child"),
      "checkpoints",
      "checkpoints",
    ]);
    const { parts: full } = await stream(
      "nested",
      { word: "hi" },
      { streamMode: ["values", "checkpoints"], streamSubgraphs: true },
    );
    const checkpoints = full.filter((p) => p.event.startsWith("checkpoints"));
    expect(checkpoints).toHaveLength(8);
    for (const { data } of checkpoints) expect(Object.keys(data).sort()).toEqual(["metadata", "next", "values"]);
    const { parts: plain } = await stream("nested", { word: "hi" }, { streamMode: ["values"] });
    expect(names(plain)).toEqual(["metadata", "values", "values", "values"]);
    // Nor with modes that do not stream values (the official server's streamEvents then has no values mode).
    for (const streamMode of [["events"], ["updates"], ["debug"]]) {
      const { parts } = await stream("nested", { word: "hi" }, { streamMode, streamSubgraphs: true });
      expect(parts.filter((p) => p.event.startsWith("checkpoints"))).toEqual([]);
    }
  });
});

describe("a model's reply in values and updates", () => {
  it("is the chunk the model streamed, as on the official server (id run-…, tool_call_chunks)", async () => {
    const { parts } = await stream("chat", hello, { streamMode: ["updates", "values"] });
    const update = parts.find((p) => p.event === "updates")!.data.model.messages[0];
    expect(update).toMatchObject({
      type: "ai",
      content: "hi there",
      tool_call_chunks: [],
      id: expect.stringMatching(/^run-/),
    });
    expect(parts.filter((p) => p.event === "values").at(-1)?.data.messages[1]).toMatchObject({
      type: "ai",
      content: "hi there",
      id: update.id,
    });
  });
});

describe("a subgraph task's checkpoint in state", () => {
  it("is the subgraph's config as the official server gives it: thread_id and checkpoint_ns only", async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, "paused", { input: { answer: "" } });
    const state = await client.threads.getState(thread.thread_id);
    expect(state.tasks).toHaveLength(1);
    expect(state.tasks[0].checkpoint).toEqual({
      thread_id: thread.thread_id,
      checkpoint_ns: `child:${state.tasks[0].id}`,
    });
  });
});
