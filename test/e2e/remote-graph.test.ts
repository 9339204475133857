/**
 * End to end: `RemoteGraph` from `@langchain/langgraph/remote`, unmodified, against the local server (`startLocal`).
 * RemoteGraph drives `POST /threads/{id}/runs/stream` (with `if_not_exists: "create"`, `stream_mode` always including
 * `updates` to spot interrupts), `GET /threads/{id}/state[/{checkpoint_id}]`, `POST /threads/{id}/history`,
 * `POST /threads/{id}/state` and `GET /assistants/{id}/graph|subgraphs`; a thread is just `configurable.thread_id`.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@langchain/langgraph-sdk";
import {
  Annotation,
  Command,
  END,
  GraphInterrupt,
  RemoteException,
  START,
  StateGraph,
  type StateSnapshot,
} from "@langchain/langgraph";
import { RemoteGraph } from "@langchain/langgraph/remote";
import type { LocalSystem } from "../../lib/local/start.js";
import { collect, localServer } from "../helpers/sdk.js";

let system: LocalSystem;
let client: Client;
let simple: RemoteGraph;
let agent: RemoteGraph;
let nested: RemoteGraph;

beforeAll(async () => {
  ({ system, client } = await localServer());
  simple = new RemoteGraph({ graphId: "simple", url: system.url });
  agent = new RemoteGraph({ graphId: "agent", url: system.url });
  nested = new RemoteGraph({ graphId: "nested", url: system.url });
});
afterAll(() => system?.close());

/** A config naming a thread nobody created yet: RemoteGraph's first run creates it. */
const onNewThread = () => ({ configurable: { thread_id: randomUUID() } });
const human = (content: string) => ({ messages: [{ role: "human", content }] });
type Message = { type: string; content: string };

/** The chunks a stream yields before it ends or throws, and what it threw. */
async function streamUntilThrow(stream: AsyncIterable<unknown>): Promise<{ chunks: unknown[]; error: unknown }> {
  const chunks: unknown[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk);
  } catch (error) {
    return { chunks, error };
  }
  return { chunks, error: undefined };
}

async function history(
  graph: RemoteGraph,
  config: object,
  options?: Parameters<RemoteGraph["getStateHistory"]>[1],
): Promise<StateSnapshot[]> {
  return collect(graph.getStateHistory(config, options));
}

describe("invoke", () => {
  it("runs on the thread in configurable.thread_id and returns the final values; the next call continues that thread", async () => {
    const config = onNewThread();
    expect(await simple.invoke({ count: 1 }, config)).toEqual({ count: 4, trail: ["increment", "double"] });
    // Same thread: the trail reducer appends to what the first run left.
    expect(await simple.invoke({ count: 10 }, config)).toEqual({
      count: 22,
      trail: ["increment", "double", "increment", "double"],
    });

    const thread = await client.threads.get(config.configurable.thread_id);
    expect(thread.status).toBe("idle");
    expect(thread.values).toEqual({ count: 22, trail: ["increment", "double", "increment", "double"] });
    const runs = await client.runs.list(config.configurable.thread_id);
    expect(runs.map((r) => r.status)).toEqual(["success", "success"]);
  });

  it("runs without a thread, and passes configurable values, context and withConfig defaults to the graph", async () => {
    expect(await simple.invoke({ count: 2 })).toEqual({ count: 6, trail: ["increment", "double"] });
    // increment adds configurable.step, double multiplies by context.factor: (1 + 5) * 3.
    expect(await simple.invoke({ count: 1 }, { configurable: { step: 5 }, context: { factor: 3 } } as object)).toEqual({
      count: 18,
      trail: ["increment", "double"],
    });
    expect(await simple.withConfig({ configurable: { step: 2 } }).invoke({ count: 1 })).toEqual({
      count: 6,
      trail: ["increment", "double"],
    });
  });

  it("rejects with a RemoteException carrying the graph's error when the run fails; the thread takes a retry at once", async () => {
    const config = onNewThread();
    const failure = await agent.invoke(human("fail now"), config).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(RemoteException);
    expect(JSON.parse((failure as Error).message)).toMatchObject({ message: "The agent was asked to fail." });
    expect((await client.threads.get(config.configurable.thread_id)).status).toBe("error");
    const retried = (await agent.invoke(human("hello again"), config)) as { messages: Message[] };
    expect(retried.messages.map((m) => [m.type, m.content])).toEqual([
      ["human", "fail now"],
      ["human", "hello again"],
      ["ai", "You said: hello again"],
    ]);
  });
});

describe("stream", () => {
  it('streamMode "values": the full state after the input and after each node, in order', async () => {
    const chunks = await collect(await simple.stream({ count: 2 }, { ...onNewThread(), streamMode: "values" }));
    expect(chunks).toEqual([
      { count: 2, trail: [] },
      { count: 3, trail: ["increment"] },
      { count: 6, trail: ["increment", "double"] },
    ]);
  });

  it('streamMode "updates" (and the default): one {node: update} per node, in order', async () => {
    const expected = [{ increment: { count: 3, trail: ["increment"] } }, { double: { count: 6, trail: ["double"] } }];
    expect(await collect(await simple.stream({ count: 2 }, { ...onNewThread(), streamMode: "updates" }))).toEqual(
      expected,
    );
    expect(await collect(await simple.stream({ count: 2 }, onNewThread()))).toEqual(expected);
  });

  it('streamMode ["values", "updates"]: [mode, chunk] pairs, interleaved as the graph steps', async () => {
    const chunks = await collect(
      await simple.stream({ count: 2 }, { ...onNewThread(), streamMode: ["values", "updates"] }),
    );
    expect(chunks).toEqual([
      ["values", { count: 2, trail: [] }],
      ["updates", { increment: { count: 3, trail: ["increment"] } }],
      ["values", { count: 3, trail: ["increment"] }],
      ["updates", { double: { count: 6, trail: ["double"] } }],
      ["values", { count: 6, trail: ["increment", "double"] }],
    ]);
  });

  it('streamMode "messages": the reply token by token as [chunk, metadata], before the node\'s update', async () => {
    const config = onNewThread();
    const parts = (await collect(
      await agent.stream(human("hello remote"), { ...config, streamMode: ["messages", "updates"] }),
    )) as [string, unknown][];
    const modes = parts.map(([mode]) => mode);
    const tokens = parts
      .filter(([mode]) => mode === "messages")
      .map(([, data]) => data as [Message & { id: string }, Record<string, unknown>]);
    expect(tokens.map(([chunk]) => chunk.content)).toEqual([..."You said: hello remote"]); // one chunk per character
    expect(new Set(tokens.map(([chunk]) => chunk.id)).size).toBe(1);
    for (const [, metadata] of tokens) {
      expect(metadata).toMatchObject({
        langgraph_node: "agent",
        thread_id: config.configurable.thread_id,
        graph_id: "agent",
      });
    }
    // Every token arrives before the agent node's update, which carries the whole reply.
    expect(modes.indexOf("updates")).toBe(modes.length - 1);
    const update = parts[parts.length - 1][1] as { agent: { messages: Message[] } };
    expect(update.agent.messages.map((m) => [m.type, m.content])).toEqual([["ai", "You said: hello remote"]]);
  });

  it('streamMode "custom": what nodes write with config.writer', async () => {
    expect(await collect(await simple.stream({ count: 7 }, { ...onNewThread(), streamMode: "custom" }))).toEqual([
      { progress: "incrementing 7" },
    ]);
  });

  it("subgraphs: true yields [namespace, chunk], the subgraph's own steps under its node's namespace", async () => {
    const chunks = (await collect(
      await nested.stream({ text: "hi" }, { ...onNewThread(), streamMode: "updates", subgraphs: true }),
    )) as [string[], unknown][];
    expect(chunks.map(([, update]) => update)).toEqual([
      { shout: { text: "HI" } },
      { exclaim: { text: "HI!" } },
      { inner: { text: "HI!" } },
      { wrap: { text: "<HI!>" } },
    ]);
    const [innerNs, , , rootNs] = chunks.map(([ns]) => ns);
    expect(innerNs).toHaveLength(1);
    expect(innerNs[0]).toMatch(/^inner:/);
    expect(chunks[1][0]).toEqual(innerNs);
    expect(chunks[2][0]).toEqual([]);
    expect(rootNs).toEqual([]);
  });
});

describe("state", () => {
  it("getState returns the values, next and checkpoint config of the thread's latest checkpoint, and of an earlier one", async () => {
    const config = onNewThread();
    await simple.invoke({ count: 1 }, config);
    const state = await simple.getState(config);
    expect(state.values).toEqual({ count: 4, trail: ["increment", "double"] });
    expect(state.next).toEqual([]);
    expect(state.tasks).toEqual([]);
    expect(state.metadata).toMatchObject({ source: "loop", step: 2 });
    // The checkpoint is the one the SDK's client sees, and its parent is where `double` was next.
    const viaClient = await client.threads.getState(config.configurable.thread_id);
    expect(state.config.configurable).toMatchObject({ thread_id: config.configurable.thread_id, checkpoint_ns: "" });
    expect(state.config.configurable?.checkpoint_id).toBe(viaClient.checkpoint.checkpoint_id);
    expect(state.parentConfig?.configurable?.checkpoint_id).toBe(viaClient.parent_checkpoint?.checkpoint_id);

    const parent = await simple.getState(state.parentConfig!);
    expect(parent.values).toEqual({ count: 2, trail: ["increment"] });
    expect(parent.next).toEqual(["double"]);
    expect(parent.tasks.map((t) => [t.name, t.result])).toEqual([["double", { count: 4, trail: ["double"] }]]);
    expect(parent.config.configurable?.checkpoint_id).toBe(state.parentConfig?.configurable?.checkpoint_id);
  });

  it("getStateHistory lists the checkpoints newest first, with limit, before and a metadata filter", async () => {
    const config = onNewThread();
    await simple.invoke({ count: 1 }, config);
    const all = await history(simple, config);
    expect(all.map((s) => [s.metadata?.source, s.metadata?.step, s.next, s.values])).toEqual([
      ["loop", 2, [], { count: 4, trail: ["increment", "double"] }],
      ["loop", 1, ["double"], { count: 2, trail: ["increment"] }],
      ["loop", 0, ["increment"], { count: 1, trail: [] }],
      ["input", -1, ["__start__"], { count: 0, trail: [] }],
    ]);
    expect(all[0].config.configurable?.checkpoint_id).toBe(
      (await simple.getState(config)).config.configurable?.checkpoint_id,
    );
    // Each snapshot's parent is the next one down.
    for (let i = 0; i + 1 < all.length; i++) {
      expect(all[i].parentConfig?.configurable?.checkpoint_id).toBe(all[i + 1].config.configurable?.checkpoint_id);
    }

    expect((await history(simple, config, { limit: 2 })).map((s) => s.metadata?.step)).toEqual([2, 1]);
    expect((await history(simple, config, { before: all[1].config })).map((s) => s.metadata?.step)).toEqual([0, -1]);
    expect((await history(simple, config, { filter: { source: "input" } })).map((s) => s.metadata?.step)).toEqual([-1]);
  });

  it("updateState writes a checkpoint; as a node, the graph then continues from it with invoke(null)", async () => {
    const config = onNewThread();
    await simple.invoke({ count: 1 }, config);
    const before = await history(simple, config);

    const updated = await simple.updateState(config, { count: 10 }, "increment");
    expect(updated.configurable).toMatchObject({ thread_id: config.configurable.thread_id, checkpoint_ns: "" });
    const state = await simple.getState(config);
    expect(state.config.configurable?.checkpoint_id).toBe(updated.configurable?.checkpoint_id);
    expect(state.values).toEqual({ count: 10, trail: ["increment", "double"] });
    expect(state.next).toEqual(["double"]); // what follows `increment`
    expect(state.metadata).toMatchObject({ source: "update" });
    expect((await history(simple, config)).length).toBe(before.length + 1);
    expect((await client.threads.get(config.configurable.thread_id)).status).toBe("interrupted");

    expect(await simple.invoke(null, config)).toEqual({ count: 20, trail: ["increment", "double", "double"] });
    expect((await simple.getState(config)).next).toEqual([]);
  });
});

describe("interrupts", () => {
  it("stream stops at interrupt() with a GraphInterrupt; an immediate Command({resume}) finishes the run", async () => {
    const config = onNewThread();
    const { chunks, error } = await streamUntilThrow(
      await agent.stream(human("please approve the refund"), { ...config, streamMode: "values" }),
    );
    expect(chunks).toHaveLength(1);
    expect((chunks[0] as { messages: Message[] }).messages.map((m) => [m.type, m.content])).toEqual([
      ["human", "please approve the refund"],
    ]);
    expect(error).toBeInstanceOf(GraphInterrupt);
    expect((error as GraphInterrupt).interrupts.map((i) => i.value)).toEqual([
      { question: "Do you approve?", request: "please approve the refund" },
    ]);

    // Resume at once, as a RemoteGraph user does: the thread must already be free and hold the interrupt.
    const resumed = await collect(
      await agent.stream(new Command({ resume: "yes" }), { ...config, streamMode: "updates" }),
    );
    expect(resumed).toHaveLength(1);
    expect(
      (resumed[0] as { approval: { messages: Message[] } }).approval.messages.map((m) => [m.type, m.content]),
    ).toEqual([["ai", "Approved: done."]]);
    const state = await agent.getState(config);
    expect(state.next).toEqual([]);
    expect((state.values as { messages: Message[] }).messages.map((m) => m.content)).toEqual([
      "please approve the refund",
      "Approved: done.",
    ]);
  });

  it("invoke rejects with the GraphInterrupt; getState shows the pending task and its interrupt; invoke(Command) resumes", async () => {
    const config = onNewThread();
    const thrown = await agent.invoke(human("please approve the trip"), config).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(thrown).toBeInstanceOf(GraphInterrupt);
    const interruptId = (thrown as GraphInterrupt).interrupts[0].id;

    const paused = await agent.getState(config);
    expect(paused.next).toEqual(["approval"]);
    expect(paused.tasks.map((t) => [t.name, t.interrupts])).toEqual([
      [
        "approval",
        [{ interrupt_id: interruptId, value: { question: "Do you approve?", request: "please approve the trip" } }],
      ],
    ]);
    expect((await client.threads.get(config.configurable.thread_id)).status).toBe("interrupted");

    const values = (await agent.invoke(new Command({ resume: "no" }), config)) as { messages: Message[] };
    expect(values.messages.map((m) => m.content)).toEqual(["please approve the trip", 'Not approved (answer: "no").']);
    expect((await client.threads.get(config.configurable.thread_id)).status).toBe("idle");
  });

  it("interruptBefore stops before the node with a GraphInterrupt; invoke(null) runs the rest", async () => {
    const gated = new RemoteGraph({ graphId: "simple", url: system.url, interruptBefore: ["double"] });
    const config = onNewThread();
    const { chunks, error } = await streamUntilThrow(
      await gated.stream({ count: 1 }, { ...config, streamMode: "updates" }),
    );
    expect(chunks).toEqual([{ increment: { count: 2, trail: ["increment"] } }]);
    expect(error).toBeInstanceOf(GraphInterrupt);

    const paused = await gated.getState(config);
    expect(paused.values).toEqual({ count: 2, trail: ["increment"] });
    expect(paused.next).toEqual(["double"]);
    expect(await gated.invoke(null, config)).toEqual({ count: 4, trail: ["increment", "double"] });
  });
});

describe("RemoteGraph as a node of a local graph", () => {
  const State = Annotation.Root({
    count: Annotation<number>(),
    trail: Annotation<string[]>(),
    label: Annotation<string>(),
  });
  const parent = () =>
    new StateGraph(State)
      .addNode("pre", () => ({ count: 7 }))
      .addNode("remote", simple)
      .addNode("post", (state) => ({ label: `${state.count}:${state.trail.join(",")}` }))
      .addEdge(START, "pre")
      .addEdge("pre", "remote")
      .addEdge("remote", "post")
      .addEdge("post", END)
      .compile();

  it("runs the remote graph on the local state, and its steps stream under the node's namespace", async () => {
    expect(await parent().invoke({ count: 0 })).toEqual({
      count: 16,
      trail: ["increment", "double"],
      label: "16:increment,double",
    });

    const chunks = (await collect(await parent().stream({ count: 0 }, { streamMode: "updates", subgraphs: true }))) as [
      string[],
      unknown,
    ][];
    expect(chunks.map(([, update]) => update)).toEqual([
      { pre: { count: 7 } },
      { increment: { count: 8, trail: ["increment"] } },
      { double: { count: 16, trail: ["double"] } },
      { remote: { count: 16, trail: ["increment", "double"] } },
      { post: { label: "16:increment,double" } },
    ]);
    const namespaces = chunks.map(([ns]) => ns.join("|"));
    expect(namespaces[1]).toMatch(/^remote:/);
    expect(namespaces).toEqual(["", namespaces[1], namespaces[1], "", ""]);
  });
});

describe("graph structure", () => {
  it("getGraphAsync draws the remote graph's nodes and edges; getSubgraphsAsync lists its subgraphs", async () => {
    const drawn = await simple.getGraphAsync();
    expect(Object.keys(drawn.nodes).sort()).toEqual(["__end__", "__start__", "double", "increment"]);
    expect(drawn.edges.map((e) => `${e.source}->${e.target}`).sort()).toEqual([
      "__start__->increment",
      "double->__end__",
      "increment->double",
    ]);

    const subgraphs = await collect(nested.getSubgraphsAsync());
    expect(subgraphs.map(([ns]) => ns)).toEqual(["inner"]);
    expect(subgraphs[0][1]).toBeInstanceOf(RemoteGraph);
  });
});
