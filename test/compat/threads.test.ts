/**
 * Threads, state and history as the official JS server (@langchain/langgraph-api) answers them, checked side by
 * side with it on the graphs in test/compat/graphs/threads (see the report in the commit messages for what was
 * compared). Driven through the SDK against the real local system.
 */
import type { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalSystem } from "../../lib/local/start.js";
import { httpStatus, localServer, runReaches } from "../helpers/sdk.js";

let system: LocalSystem;
let client: Client;

beforeAll(async () => {
  ({ system, client } = await localServer({ config: "test/compat/graphs/threads/langgraph.json" }));
}, 60_000);
afterAll(() => system?.close());

const question = { messages: [{ type: "human", content: "what is the answer?" }] };
type Message = { type: string; content: unknown };
type AgentValues = { messages: Message[] };

/** POST /threads with a raw body: status and parsed answer. */
async function rawCreate(body: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${system.url}/threads`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text.startsWith("{") || text.startsWith("[") ? JSON.parse(text) : text };
}

describe("threads.create with supersteps", () => {
  it("writes the supersteps as the thread's history: one checkpoint each, after the input checkpoint", async () => {
    const thread = await client.threads.create({
      graphId: "agent",
      supersteps: [
        { updates: [{ asNode: "__input__", values: { messages: [{ type: "human", content: "hi", id: "m1" }] } }] },
        { updates: [{ asNode: "__start__", values: { messages: [{ type: "human", content: "hi", id: "m1" }] } }] },
        { updates: [{ asNode: "agent", values: { messages: [{ type: "ai", content: "hello", id: "m2" }] } }] },
      ],
    });
    const history = await client.threads.getHistory<AgentValues>(thread.thread_id);
    expect(history.map((h) => [h.metadata?.source, h.metadata?.step, h.next])).toEqual([
      ["update", 1, []],
      ["update", 0, ["agent"]],
      ["input", -1, ["__start__"]],
    ]);
    expect(history[0].values.messages.map((m) => [m.type, m.content])).toEqual([
      ["human", "hi"],
      ["ai", "hello"],
    ]);
    const stored = await client.threads.get<AgentValues>(thread.thread_id);
    expect(stored).toMatchObject({ status: "idle", metadata: { graph_id: "agent" } });
    expect(stored.values.messages).toHaveLength(2);
  });

  it("applies a command: its update lands and its next node is pending", async () => {
    const thread = await client.threads.create({
      graphId: "approval",
      supersteps: [
        { updates: [{ asNode: "__input__", values: { question: "ship it?" } }] },
        { updates: [{ asNode: "__start__", values: null, command: { update: { question: "ship it now?" } } }] },
      ],
    });
    const state = await client.threads.getState<{ question: string }>(thread.thread_id);
    expect(state.values).toEqual({ question: "ship it now?" });
    expect(state.next).toEqual(["ask"]);
  });

  it("refuses what it cannot apply, and then creates nothing", async () => {
    const before = await client.threads.count();
    const malformed = await rawCreate({ metadata: { graph_id: "agent" }, supersteps: [{ updates: [{ values: {} }] }] });
    expect(malformed.status).toBe(422);
    expect(JSON.stringify(malformed.body)).toContain('["body","supersteps","0","updates","0","as_node"]');
    expect((await rawCreate({ metadata: { graph_id: "agent" }, supersteps: { updates: [] } })).status).toBe(422);
    // As the official server: 400 without a graph id, 404 for a graph it does not serve.
    const noGraph = await rawCreate({ supersteps: [{ updates: [{ as_node: "agent", values: {} }] }] });
    expect(noGraph.status).toBe(400);
    expect(JSON.stringify(noGraph.body)).toMatch(/Thread [0-9a-f-]{36} has no graph ID/);
    const unknownGraph = await rawCreate({
      metadata: { graph_id: "nope" },
      supersteps: [{ updates: [{ as_node: "agent", values: {} }] }],
    });
    expect(unknownGraph.status).toBe(404);
    expect(JSON.stringify(unknownGraph.body)).toContain('Graph \\"nope\\" not found');
    const badNode = await rawCreate({
      metadata: { graph_id: "agent" },
      supersteps: [{ updates: [{ as_node: "nope", values: {} }] }],
    });
    expect(badNode.status).toBe(422);
    expect(JSON.stringify(badNode.body)).toContain('"supersteps","as_node"');
    expect(await client.threads.count()).toBe(before);
  });
});

describe("history", () => {
  it("after one run of a two-step agent holds 5 checkpoints, the oldest about to start; filters by run metadata, limit and before", async () => {
    const assistant = await client.assistants.create({ graphId: "agent" });
    const thread = await client.threads.create();
    expect(await client.threads.getHistory(thread.thread_id)).toEqual([]);

    await client.runs.wait(thread.thread_id, assistant.assistant_id, {
      input: question,
      config: { configurable: { user_id: "u1" } },
    });
    const history = await client.threads.getHistory<AgentValues>(thread.thread_id);
    expect(history).toHaveLength(5);
    expect(history[0].values.messages).toHaveLength(4);
    expect(history[0].next).toEqual([]);
    expect(history.at(-1)?.next).toEqual(["__start__"]);
    // Checkpoint metadata carries the run's config, as the official server's: graph, assistant, configurable keys.
    expect(history[0].metadata).toMatchObject({
      graph_id: "agent",
      assistant_id: assistant.assistant_id,
      user_id: "u1",
      source: "loop",
      step: 3,
    });

    await client.runs.wait(thread.thread_id, assistant.assistant_id, {
      input: question,
      metadata: { batch: "second" },
    });
    expect(await client.threads.getHistory(thread.thread_id)).toHaveLength(10);
    const second = await client.threads.getHistory<AgentValues>(thread.thread_id, { metadata: { batch: "second" } });
    expect(second).toHaveLength(5);
    expect(second.at(-1)?.values.messages).toHaveLength(4);

    const two = await client.threads.getHistory(thread.thread_id, { limit: 2 });
    expect(two.map((h) => h.checkpoint.checkpoint_id)).toEqual(
      second.slice(0, 2).map((h) => h.checkpoint.checkpoint_id),
    );
    const older = await client.threads.getHistory(thread.thread_id, {
      before: second[1].checkpoint.checkpoint_id,
      limit: 3,
    } as never);
    expect(older.map((h) => h.checkpoint.checkpoint_id)).toEqual(
      second.slice(2, 5).map((h) => h.checkpoint.checkpoint_id),
    );
  });
});

describe("state", () => {
  it("a state update's checkpoint has the official metadata: the graph id, source update, the next step", async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, "agent", { input: question });
    const before = await client.threads.getState(thread.thread_id);
    await client.threads.updateState(thread.thread_id, { values: { messages: [{ type: "human", content: "more" }] } });
    const [latest] = await client.threads.getHistory(thread.thread_id, { limit: 1 });
    expect(latest.metadata).toEqual({
      graph_id: "agent",
      source: "update",
      step: (before.metadata?.step as number) + 1,
      parents: {},
      thread_id: thread.thread_id,
    });
  });

  it("of a thread no graph has run on is the official empty state", async () => {
    const thread = await client.threads.create();
    expect(await client.threads.getState(thread.thread_id)).toEqual({
      values: {},
      next: [],
      tasks: [],
      created_at: null,
      checkpoint: null,
      parent_checkpoint: null,
    });
  });

  it("with subgraphs shows the subgraph task's config as LangGraph gives it, and its state at its own checkpoint", async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, "outer", { input: { text: "hello" } });
    const state = await client.threads.getState(thread.thread_id, undefined, { subgraphs: true });
    expect(Object.keys(state).sort()).toEqual([
      "checkpoint",
      "created_at",
      "metadata",
      "next",
      "parent_checkpoint",
      "tasks",
      "values",
    ]);
    const [task] = state.tasks;
    expect(task.name).toBe("inner");
    const ns = `inner:${task.id}`;
    // With subgraphs the task carries the subgraph's state instead of its config.
    expect(task.checkpoint).toBeNull();
    const sub = task.state as unknown as {
      values: unknown;
      next: string[];
      checkpoint: Record<string, unknown>;
      parent_checkpoint: Record<string, unknown>;
    };
    expect(sub.values).toEqual({ text: "hello (draft)" });
    expect(sub.next).toEqual(["review"]);
    expect(sub.checkpoint).toEqual({
      thread_id: thread.thread_id,
      checkpoint_ns: ns,
      checkpoint_id: expect.any(String),
      checkpoint_map: { "": state.checkpoint.checkpoint_id, [ns]: sub.checkpoint.checkpoint_id },
    });
    expect(sub.parent_checkpoint).toMatchObject({ checkpoint_ns: ns, checkpoint_map: null });

    // Without, its config as LangGraph gives it: no checkpoint_id: null / checkpoint_map: null keys.
    const flat = await client.threads.getState(thread.thread_id);
    expect(flat.tasks[0].checkpoint).toEqual({ thread_id: thread.thread_id, checkpoint_ns: ns });
    expect(flat.tasks[0].state).toBeNull();

    const oldest = (await client.threads.getHistory(thread.thread_id)).at(-1)!;
    const atInput = await client.threads.getState(thread.thread_id, oldest.checkpoint.checkpoint_id!);
    expect(atInput).toMatchObject({
      next: ["__start__"],
      checkpoint: oldest.checkpoint,
      parent_checkpoint: null,
      metadata: { source: "input", step: -1 },
    });
  });

  it("shows a failed task's error as the official server words it", async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, "broken", { input: { text: "x" } }).catch(() => undefined);
    const state = await client.threads.getState(thread.thread_id);
    expect(state.tasks.map((t) => [t.name, t.error])).toEqual([
      ["explode", JSON.stringify({ message: "the node exploded", name: "Error" })],
    ]);
  });
});

describe("a run in flight, cancelled", () => {
  it("a delayed run: updateState answers 409 and changes nothing; after cancel and join the run is interrupted and the thread idle", async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "agent", { input: question, afterSeconds: 30 });
    const update = {
      values: { messages: [{ type: "ai", content: "One must imagine Sisyphus happy." }] },
      asNode: "agent",
    };
    expect(await httpStatus(client.threads.updateState(thread.thread_id, update))).toBe(409);
    // The official server's body, which the SDK surfaces as the error's message.
    await expect(client.threads.updateState(thread.thread_id, update)).rejects.toThrow(/HTTP 409: Thread is busy$/);

    await client.runs.cancel(thread.thread_id, run.run_id);
    expect(JSON.stringify(await client.threads.getState(thread.thread_id))).not.toContain("Sisyphus");
    await client.runs.join(thread.thread_id, run.run_id);
    expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe("interrupted");
    expect((await client.threads.get(thread.thread_id)).status).toBe("idle");

    await client.threads.updateState(thread.thread_id, update);
    expect(JSON.stringify(await client.threads.getState(thread.thread_id))).toContain("Sisyphus");
  });

  it("a running run: after cancel and join the thread is idle, with no values or interrupts recorded", async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "agent", { input: { ...question, delayMs: 20_000 } });
    await runReaches(client, thread.thread_id, run.run_id, ["running"]);
    expect(
      await httpStatus(client.threads.updateState(thread.thread_id, { values: { messages: [] }, asNode: "agent" })),
    ).toBe(409);
    await client.runs.cancel(thread.thread_id, run.run_id);
    await client.runs.join(thread.thread_id, run.run_id);
    expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe("interrupted");
    const after = await client.threads.get(thread.thread_id);
    expect(after.status).toBe("idle");
    expect(after).not.toHaveProperty("values");
    expect(after).not.toHaveProperty("interrupts");
  });
});

describe("thread objects", () => {
  it("match the official server's after create, run, interrupt and error", async () => {
    const created = await client.threads.create({ metadata: { owner: "me" } });
    expect(Object.keys(created).sort()).toEqual([
      "config",
      "created_at",
      "metadata",
      "status",
      "thread_id",
      "updated_at",
    ]);
    expect(created).toMatchObject({ metadata: { owner: "me" }, status: "idle", config: {} });
    expect(await client.threads.get(created.thread_id)).toEqual(created);

    const ran = await client.threads.create();
    const assistant = (await client.assistants.search({ graphId: "agent", metadata: { created_by: "system" } }))[0];
    await client.runs.wait(ran.thread_id, "agent", { input: question });
    const afterRun = await client.threads.get<AgentValues>(ran.thread_id);
    expect(afterRun).toMatchObject({
      status: "idle",
      metadata: { graph_id: "agent", assistant_id: assistant.assistant_id },
      interrupts: {},
    });
    expect(afterRun.values.messages).toHaveLength(4);
    const [found] = await client.threads.search({ ids: [ran.thread_id] });
    expect(found).toEqual(afterRun);

    const asked = await client.threads.create();
    await client.runs.wait(asked.thread_id, "approval", { input: { question: "sure?" } });
    const afterInterrupt = await client.threads.get(asked.thread_id);
    const askTask = (await client.threads.getState(asked.thread_id)).tasks[0];
    expect(afterInterrupt).toMatchObject({ status: "interrupted", values: { question: "sure?" } });
    expect(afterInterrupt.interrupts).toEqual({
      [askTask.id]: [{ id: expect.any(String), value: { confirm: "sure?" } }],
    });

    const failed = await client.threads.create();
    await client.runs.wait(failed.thread_id, "broken", { input: { text: "x" } }).catch(() => undefined);
    const afterError = await client.threads.get(failed.thread_id);
    const failedTask = (await client.threads.getState(failed.thread_id)).tasks[0];
    // Every pending task is listed, with an empty list when it has no interrupts (as the official server does).
    expect(afterError).toMatchObject({ status: "error", values: { text: "x" }, interrupts: { [failedTask.id]: [] } });
  });

  it("a copy's metadata names the copy", async () => {
    const thread = await client.threads.create({ metadata: { owner: "me" } });
    const copy = await client.threads.copy(thread.thread_id);
    expect(copy.metadata).toEqual({ owner: "me", thread_id: copy.thread_id });
    expect(copy.status).toBe("idle");
  });
});

describe("runs.wait and runs.join answer what the official server answers", () => {
  it("a run stopped at interrupt() answers {__interrupt__: [{id, value}]}, not the state; join of the resume answers the values", async () => {
    const thread = await client.threads.create();
    const waited = (await client.runs.wait(thread.thread_id, "approval", { input: { question: "ok?" } })) as Record<
      string,
      unknown
    >;
    expect(Object.keys(waited)).toEqual(["__interrupt__"]);
    expect(waited.__interrupt__).toEqual([{ id: expect.any(String), value: { confirm: "ok?" } }]);
    const resume = await client.runs.create(thread.thread_id, "approval", { command: { resume: "yes" } });
    expect(await client.runs.join(thread.thread_id, resume.run_id)).toEqual({ question: "ok?", answer: "yes" });
  });
});

describe("a factory graph whose state methods check what it was built for", () => {
  it("is built for threads.read to read state (also the run's final state) and threads.update to write it", async () => {
    const thread = await client.threads.create();
    expect(await client.runs.wait(thread.thread_id, "guarded", { input: { note: "hi" } })).toEqual({
      note: "hi!",
      builtFor: "threads.create_run",
    });
    // The worker read the final state to record it on the thread.
    expect((await client.threads.get(thread.thread_id)).values).toEqual({
      note: "hi!",
      builtFor: "threads.create_run",
    });
    expect((await client.threads.getState(thread.thread_id)).values).toEqual({
      note: "hi!",
      builtFor: "threads.create_run",
    });
    expect((await client.threads.getHistory(thread.thread_id)).length).toBeGreaterThan(0);
    await client.threads.updateState(thread.thread_id, { values: { note: "edited" } });
    expect((await client.threads.getState(thread.thread_id)).values).toMatchObject({ note: "edited" });
    const built = await client.threads.create({
      graphId: "guarded",
      supersteps: [{ updates: [{ values: { note: "bulk" }, asNode: "write" }] }],
    });
    expect((await client.threads.getState(built.thread_id)).values).toMatchObject({ note: "bulk" });
  });
});
