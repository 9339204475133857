/**
 * The SDK's thread-centric protocol client (`client.threads.stream()`, a ThreadStream over the SSE transport)
 * against the local server: commands on POST /threads/{id}/commands, events on POST /threads/{id}/stream/events.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, ProtocolError, ProtocolSseTransportAdapter, type ThreadStream } from "@langchain/langgraph-sdk";
import { createApp } from "../../lib/api/app.js";
import type { LocalSystem } from "../../lib/local/start.js";
import { createPlatform, type Platform } from "../../lib/platform.js";
import { tableNamesWithPrefix } from "../../lib/tables/definitions.js";
import { human, localServer } from "../helpers/sdk.js";

let system: LocalSystem;
let client: Client;
const opened: ThreadStream[] = [];

beforeAll(async () => ({ system, client } = await localServer({ platformOptions: { heartbeatMs: 1000 } })));
afterAll(async () => {
  await Promise.all(opened.map((thread) => thread.close()));
  await system?.close();
});

type Msg = { type?: string; content: unknown; getType?: () => string };
type State = { messages: Msg[] };
const kind = (m: Msg) => m.getType?.() ?? m.type;

/** A ThreadStream on the agent graph, closed after the tests. */
function agentThread(threadId?: string, options: { fetch?: typeof fetch } = {}): ThreadStream {
  const thread = threadId
    ? client.threads.stream(threadId, { assistantId: "agent", ...options })
    : client.threads.stream({ assistantId: "agent", ...options });
  opened.push(thread);
  return thread as ThreadStream;
}

/** `promise`, or a rejection after `ms` (a stream that never ends fails the test instead of hanging it). */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not done within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Every message the thread streams until its run ends: each one's text deltas as they arrived, and its text. */
async function readMessages(
  thread: ThreadStream,
): Promise<{ node?: string; deltas: string[]; text: string; toolCalls: { name: string }[] }[]> {
  const read = [];
  for await (const message of thread.messages) {
    const deltas: string[] = [];
    for await (const delta of message.text) deltas.push(delta);
    read.push({
      node: message.node,
      deltas,
      text: await message.text,
      toolCalls: (await message.toolCalls) as { name: string }[],
    });
  }
  return read;
}

describe("client.threads.stream()", () => {
  it("streams a run's reply token by token, its state snapshots and its output", async () => {
    const thread = agentThread();
    const run_id = (await thread.run.start({ input: human("hello there") })).run_id!;
    const snapshots: State[] = [];
    const [messages] = await Promise.all([
      readMessages(thread),
      (async () => {
        for await (const values of thread.values) snapshots.push(values as State);
      })(),
    ]);
    const output = (await thread.output) as State;

    expect(messages).toHaveLength(1);
    expect(messages[0].node).toBe("agent");
    expect(messages[0].deltas).toHaveLength("You said: hello there".length); // one delta per streamed token
    expect(messages[0].deltas.join("")).toBe("You said: hello there");
    expect(messages[0].text).toBe("You said: hello there");
    expect(snapshots.map((s) => s.messages.length)).toEqual([1, 2]); // the input, then after the agent
    expect(output.messages.map((m) => [kind(m), m.content])).toEqual([
      ["human", "hello there"],
      ["ai", "You said: hello there"],
    ]);
    expect(thread.interrupted).toBe(false);
    // The thread was created by run.start, and the run is an ordinary run of it.
    const runs = await client.runs.list(thread.threadId);
    expect(runs.map((r) => [r.run_id, r.status])).toEqual([[run_id, "success"]]);
  });

  it("streams a tool call: the model's call, the tool's execution and result, the final answer", async () => {
    const thread = agentThread();
    await thread.run.start({ input: human("what time is it?") });
    const toolCalls = (async () => {
      // The SDK yields a call when it starts and again when it finishes: keep the last word on each.
      const calls = new Map<string, { name: string; args: unknown; output: unknown }>();
      for await (const call of thread.toolCalls)
        calls.set(call.callId, { name: call.name, args: call.args, output: await call.output });
      return [...calls.values()];
    })();
    const messages = await readMessages(thread);

    expect(await toolCalls).toEqual([
      { name: "get_time", args: {}, output: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
    ]);
    expect(messages.map((m) => m.node)).toEqual(["agent", "tools", "agent"]);
    expect(messages[0].toolCalls.map((c) => c.name)).toEqual(["get_time"]);
    expect(messages[1].text).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(messages[2].text).toBe(`It is ${messages[1].text} right now.`);
    expect(((await thread.output) as State).messages.map(kind)).toEqual(["human", "ai", "tool", "ai"]);
  });

  it("stops at an interrupt, shows it, and resumes with the answer", async () => {
    const thread = agentThread();
    await thread.run.start({ input: human("please approve the deploy") });
    await thread.output;
    expect(thread.interrupted).toBe(true);
    const interruptId = thread.interrupts[0]?.interruptId;
    expect(thread.interrupts).toEqual([
      {
        interruptId: expect.stringMatching(/^[0-9a-f]{32}$/),
        namespace: [],
        payload: { question: "Do you approve?", request: "please approve the deploy" },
      },
    ]);
    expect((await client.threads.get(thread.threadId)).status).toBe("interrupted");

    // An answer to an interrupt the thread is not waiting on is refused, and starts nothing.
    const refused = await thread.input
      .respond({ namespace: [], interrupt_id: "0".repeat(32), response: "yes" })
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ProtocolError);
    expect((refused as ProtocolError).code).toBe("no_such_interrupt");
    expect(await client.runs.list(thread.threadId)).toHaveLength(1);

    await thread.input.respond({ namespace: [], interrupt_id: interruptId, response: "yes" });
    let last: State | undefined;
    for await (const event of await thread.subscribe({ channels: ["values"] })) last = event.params.data as State;
    expect(last?.messages.map((m) => m.content)).toEqual(["please approve the deploy", "Approved: done."]);
    expect((await client.threads.get(thread.threadId)).status).toBe("idle");
    expect(((await thread.state.get({ namespace: [] })) as { values: State }).values.messages).toHaveLength(2);
  });

  it("attached to an existing thread, a second ThreadStream follows the run the first one started", async () => {
    const first = agentThread();
    const run_id = (await first.run.start({ input: human("slow hello") })).run_id!; // 50 ms per token: about 1 s
    expect(["pending", "running"]).toContain((await client.runs.get(first.threadId, run_id)).status);
    const second = agentThread(first.threadId);
    const [messages, output] = await Promise.all([readMessages(second), second.output as Promise<State>]);

    expect(messages.map((m) => m.text)).toEqual(["You said: slow hello"]);
    expect(messages[0].deltas.join("")).toBe("You said: slow hello");
    expect(output.messages.map((m) => m.content)).toEqual(["slow hello", "You said: slow hello"]);
    expect(((await first.output) as State).messages.map((m) => m.content)).toEqual([
      "slow hello",
      "You said: slow hello",
    ]);
  });

  it("attached to a thread whose run has ended, replays that last run", async () => {
    const first = agentThread();
    await first.run.start({ input: human("remember me") });
    await first.output;
    const later = agentThread(first.threadId);
    const [messages, output] = await within(10_000, Promise.all([readMessages(later), later.output as Promise<State>]));
    expect(messages.map((m) => m.text)).toEqual(["You said: remember me"]);
    expect(output.messages.map((m) => m.content)).toEqual(["remember me", "You said: remember me"]);
  });

  it("delivers a run to a subscription opened before the thread existed", async () => {
    const thread = agentThread();
    const subscription = await thread.subscribe({ channels: ["lifecycle", "messages"] }); // connected: no thread yet
    expect(await client.threads.get(thread.threadId).catch((err: { status: number }) => err.status)).toBe(404);
    await thread.run.start({ input: human("early bird") });
    const seen: string[] = [];
    for await (const event of subscription) {
      const data = event.params.data as { event: string; delta?: { text?: string } };
      if (event.method === "lifecycle" && event.params.namespace.length === 0) seen.push(data.event);
      if (event.method === "messages" && data.delta?.text) seen.push(data.delta.text);
    }
    expect(seen[0]).toBe("running");
    expect(seen.slice(1, -1).join("")).toBe("You said: early bird");
    expect(seen.at(-1)).toBe("completed");
  });

  it("reports a failed run: the root's lifecycle fails with the graph's error", async () => {
    const thread = agentThread();
    const lifecycle = await thread.subscribe({ channels: ["lifecycle"] });
    await thread.run.start({ input: human("please fail") });
    const root: { event: string; error?: string }[] = [];
    for await (const event of lifecycle)
      if (event.params.namespace.length === 0) root.push(event.params.data as { event: string; error?: string });
    // The official server's error, as observed side by side: `serializeError(event.data).message` of the run's
    // `error` event, whose data is already `{error, message}`, so its JSON (this test said the bare message before).
    expect(root).toEqual([
      { event: "running", graph_name: "agent" },
      {
        event: "failed",
        graph_name: "agent",
        error: JSON.stringify({ error: "Error", message: "The agent was asked to fail." }),
      },
    ]);
    expect((await client.threads.get(thread.threadId)).status).toBe("error");
  });

  it("sends one checkpoint per state snapshot, before it: none for the input checkpoint a run starts with", async () => {
    const thread = client.threads.stream({ assistantId: "simple" }) as ThreadStream;
    opened.push(thread);
    const events = await thread.subscribe({ channels: ["lifecycle", "checkpoints", "values"] });
    await thread.run.start({ input: { count: 1 } });
    const seen: { method: string; data: unknown }[] = [];
    for await (const event of events) {
      const data = event.params.data as { event?: string; step?: number; source?: string; count?: number };
      seen.push({
        method: event.method,
        data: event.method === "checkpoints" ? { step: data.step, source: data.source } : (data.event ?? data.count),
      });
    }
    expect(seen).toEqual([
      { method: "lifecycle", data: "running" },
      { method: "checkpoints", data: { step: 0, source: "loop" } },
      { method: "values", data: 1 },
      { method: "checkpoints", data: { step: 1, source: "loop" } },
      { method: "values", data: 2 },
      { method: "checkpoints", data: { step: 2, source: "loop" } },
      { method: "values", data: 4 },
      { method: "lifecycle", data: "completed" },
    ]);
  });

  it("resumes an interrupted thread with run.start's input as the resume value", async () => {
    const thread = agentThread();
    await thread.run.start({ input: human("please approve the budget") });
    await thread.output;
    expect(thread.interrupts).toHaveLength(1);
    await thread.run.start({ input: "no" });
    let last: State | undefined;
    for await (const event of await thread.subscribe({ channels: ["values"] })) last = event.params.data as State;
    expect(last?.messages.map((m) => m.content)).toEqual(["please approve the budget", 'Not approved (answer: "no").']);
  });

  it("is served from the event log by a process that is not running the graph", async () => {
    // A second process: its own platform (no memory shared with the one running the worker) over the same tables.
    // Its runs still go to the first one's queue, so the graph executes there.
    const other: Platform = createPlatform({
      client: system.platform.client,
      tables: tableNamesWithPrefix("lambdagraph"),
      graphs: system.platform.graphs,
      queue: system.platform.queue,
    });
    const app = createApp();
    const otherFetch = ((input: string | URL | Request, init?: RequestInit) =>
      app(new Request(input, init), other)) as typeof fetch;
    const thread = agentThread(undefined, { fetch: otherFetch });
    const run_id = (await thread.run.start({ input: human("slow from afar") })).run_id!;
    const messages = await readMessages(thread);
    expect(messages.map((m) => m.text)).toEqual(["You said: slow from afar"]);
    expect(((await thread.output) as State).messages.map((m) => m.content)).toEqual([
      "slow from afar",
      "You said: slow from afar",
    ]);
    expect(other.hub.since(run_id, -1)).toBeUndefined(); // never in the other process's memory
    expect(system.platform.hub.since(run_id, -1)).toBeDefined(); // it ran here
  });

  it("replays a connection from `since`: the same events, numbered the same way", async () => {
    const thread = agentThread();
    await thread.run.start({ input: human("count") });
    await thread.output;
    const read = async (since?: number) => {
      const transport = new ProtocolSseTransportAdapter({
        apiUrl: system.url,
        threadId: thread.threadId,
        maxReconnectAttempts: 0,
      });
      const stream = transport.openEventStream({
        channels: ["lifecycle", "values", "messages"],
        ...(since !== undefined ? { since } : {}),
      });
      const events: {
        seq: number;
        event_id: string;
        method: string;
        params: { namespace: string[]; data: { event?: string } };
      }[] = [];
      for await (const event of stream.events as AsyncIterable<(typeof events)[number]>) {
        events.push(event);
        if (
          event.method === "lifecycle" &&
          event.params.namespace.length === 0 &&
          event.params.data.event === "completed"
        )
          break;
      }
      stream.close();
      await transport.close();
      return events;
    };
    const all = await read();
    expect(all[0]).toMatchObject({ method: "lifecycle", params: { namespace: [], data: { event: "running" } } });
    expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((a, b) => a - b));
    expect(new Set(all.map((e) => e.event_id)).size).toBe(all.length);
    const resumed = await read(all[4].seq);
    expect(resumed.map((e) => [e.seq, e.event_id, e.method])).toEqual(
      all.slice(5).map((e) => [e.seq, e.event_id, e.method]),
    );
  });

  it("refuses a second run on a busy thread under multitaskStrategy reject", async () => {
    const thread = agentThread();
    await thread.run.start({ input: human("slow and steady"), multitaskStrategy: "reject" });
    const refused = await thread.run
      .start({ input: human("me too"), multitaskStrategy: "reject" })
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ProtocolError);
    expect((refused as ProtocolError).message).toMatch(/already running/);
    await thread.output;
    expect(await client.runs.list(thread.threadId)).toHaveLength(1);
  });

  it("lists checkpoints and the agent tree of the last run", async () => {
    const thread = agentThread();
    await thread.run.start({ input: human("hi") });
    await thread.output;
    const { checkpoints } = (await thread.state.listCheckpoints({ limit: 10 })) as {
      checkpoints: { id: string; step: number }[];
    };
    const history = await client.threads.getHistory(thread.threadId, { limit: 10 });
    expect(checkpoints.map((c) => c.id)).toEqual(history.map((h) => h.checkpoint.checkpoint_id));
    expect(checkpoints.map((c) => c.step)).toEqual([1, 0, -1]);
    const { tree } = (await thread.agent.getTree()) as {
      tree: { status: string; graph_name: string; children?: { graph_name: string; status: string }[] };
    };
    expect(tree).toMatchObject({
      status: "completed",
      graph_name: "agent",
      children: [{ graph_name: "agent", status: "completed" }],
    });
  });
});

describe("POST /threads/{id}/commands", () => {
  const post = (threadId: string, body: unknown) =>
    fetch(`${system.url}/threads/${threadId}/commands`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("answers 422 for a malformed command, naming the field", async () => {
    const response = await post(crypto.randomUUID(), { id: "one", method: "run.start" });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { detail: { loc: string[] }[] }).detail[0].loc).toEqual(["body", "id"]);
  });

  it("answers unknown_command for a method it does not know, and invalid_argument for bad params", async () => {
    const threadId = crypto.randomUUID();
    expect(await (await post(threadId, { id: 7, method: "run.teleport", params: {} })).json()).toMatchObject({
      type: "error",
      id: 7,
      error: "unknown_command",
    });
    expect(await (await post(threadId, { id: 8, method: "run.start", params: { input: {} } })).json()).toMatchObject({
      type: "error",
      id: 8,
      error: "invalid_argument",
      message: expect.stringContaining("assistant_id"),
    });
    expect(await client.threads.get(threadId).catch((err: { status: number }) => err.status)).toBe(404); // nothing was created
  });
});
