/**
 * A graph's stream transformers (`.compile({ transformers })`) on protocol runs, as the official server sends their
 * output (checked side by side with it on test/compat/graphs/transformers): a named StreamChannel's pushes as
 * `custom` events `{name, payload}` while the run goes, the projection's promises as root `custom` events when it
 * ends without error (before its terminal lifecycle), nothing for a failed run, and nothing on plain runs.stream.
 * Driven through the SDK's ThreadStream, as user code reads them, against the real local system.
 */
import type { Client, ThreadStream } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalSystem } from "../../lib/local/start.js";
import { collect, localServer } from "../helpers/sdk.js";

let system: LocalSystem;
let client: Client;
const opened: ThreadStream[] = [];

beforeAll(async () => {
  ({ system, client } = await localServer({ config: "test/compat/graphs/transformers/langgraph.json" }));
}, 60_000);
afterAll(async () => {
  await Promise.all(opened.map((thread) => thread.close()));
  await system?.close();
});

type Stats = { toolCallCount: number; totalTokens: number; nodes: string[] };
const weather = { messages: [{ type: "human", content: "weather in SF?" }] };

function statsThread(graph: string): ThreadStream<Stats> {
  const thread = client.threads.stream({ assistantId: graph }) as ThreadStream<Stats>;
  opened.push(thread);
  return thread;
}

/** The run's custom events and root lifecycle, in order, as `[name or lifecycle event, payload]`. */
async function customAndLifecycle(thread: ThreadStream<Stats>): Promise<[string, unknown][]> {
  const seen: [string, unknown][] = [];
  for await (const event of await thread.subscribe({ channels: ["custom", "lifecycle"], namespaces: [[]], depth: 0 })) {
    const data = event.params.data as { name?: string; payload?: unknown; event?: string };
    seen.push(event.method === "custom" ? [data.name ?? "", data.payload] : [`lifecycle ${data.event}`, undefined]);
  }
  return seen;
}

describe("a protocol run of a graph with stream transformers", () => {
  it("resolves the transformer's final values on thread.extensions", async () => {
    const thread = statsThread("stats");
    await thread.run.start({ input: weather });
    await thread.output;
    expect(await thread.extensions.toolCallCount).toBe(1); // the ToolNode's one tool-started event
    expect(await thread.extensions.totalTokens).toBe(10); // the model's message-finish usage, 7 in + 3 out
    expect(await thread.extensions.nodes).toEqual(["model", "tools", "model"]);
  });

  it("sends the named channel's pushes as the run goes, then the final values, then the terminal lifecycle", async () => {
    const thread = statsThread("stats");
    await thread.run.start({ input: weather });
    expect(await customAndLifecycle(thread)).toEqual([
      ["lifecycle running", undefined],
      ["progress", { node: "model" }],
      ["progress", { node: "tools" }],
      ["progress", { node: "model" }],
      // In the order of the projection's keys (they settle together); the local channel and the plain value are
      // not sent.
      ["toolCallCount", 1],
      ["totalTokens", 10],
      ["nodes", ["model", "tools", "model"]],
      ["lifecycle completed", undefined],
    ]);
  });

  it("sends the final values of a run stopped by an interrupt, before its `interrupted` lifecycle", async () => {
    const thread = statsThread("stats_interrupt");
    await thread.run.start({ input: weather });
    expect(await customAndLifecycle(thread)).toEqual([
      ["lifecycle running", undefined],
      ["progress", { node: "__interrupt__" }], // the transformer sees the interrupt as the __interrupt__ node's update
      ["toolCallCount", 0],
      ["totalTokens", 0],
      ["nodes", ["__interrupt__"]],
      ["lifecycle interrupted", undefined],
    ]);
  });

  it("sends no final values for a failed run", async () => {
    const thread = statsThread("stats_fail");
    await thread.run.start({ input: weather });
    expect(await customAndLifecycle(thread)).toEqual([
      ["lifecycle running", undefined],
      ["lifecycle failed", undefined],
    ]);
  });

  it("sends none of it to a plain runs.stream of the same graph", async () => {
    // A protocol run first, so the graph's transformers demonstrably run on this server.
    const thread = statsThread("stats");
    await thread.run.start({ input: weather });
    expect(await thread.extensions.toolCallCount).toBe(1);

    const plain = await client.threads.create();
    const parts = (await collect(
      client.runs.stream(plain.thread_id, "stats", {
        input: weather,
        streamMode: ["custom", "updates"],
        streamSubgraphs: true,
      }),
    )) as { event: string }[];
    expect(parts.map((p) => p.event.split("|")[0])).toEqual(["metadata", "updates", "updates", "updates"]);
  });
});
