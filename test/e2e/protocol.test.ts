/**
 * Protocol details a LangGraph client relies on, checked on the wire against the local server.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Client } from "@langchain/langgraph-sdk";
import type { LocalSystem } from "../../lib/local/start.js";
import { collect, human, localServer, runReaches } from "../helpers/sdk.js";
import { executeRun } from "../../lib/runs/worker.js";

let system: LocalSystem;
let client: Client;

beforeAll(async () => ({ system, client } = await localServer({ platformOptions: { heartbeatMs: 100 } })));
afterAll(() => system?.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${system.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

/** Raw SSE frames of a response, parsed as the SDK would. */
async function frames(
  response: Response,
): Promise<{ event?: string; data?: unknown; id?: string; comment?: string }[]> {
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const frame: { event?: string; data?: unknown; id?: string; comment?: string } = {};
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) frame.comment = line.slice(1).trim();
        else if (line.startsWith("event: ")) frame.event = line.slice(7);
        else if (line.startsWith("data: ")) frame.data = JSON.parse(line.slice(6));
        else if (line.startsWith("id: ")) frame.id = line.slice(4);
      }
      return frame;
    });
}

describe("SSE on the wire", () => {
  it("has the platform's headers, metadata first with exactly the run id and attempt, ids from 0, and no end event", async () => {
    const thread = await client.threads.create();
    const response = await post(`/threads/${thread.thread_id}/runs/stream`, {
      assistant_id: "simple",
      input: { count: 1 },
    });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    const location = response.headers.get("content-location")!;
    expect(location).toMatch(new RegExp(`^/threads/${thread.thread_id}/runs/[0-9a-f-]{36}$`));
    const events = (await frames(response)).filter((f) => !f.comment);
    expect(events[0]).toMatchObject({ event: "metadata", id: "0" });
    expect(events[0].data).toEqual({ run_id: location.split("/").pop(), attempt: 1 }); // as the official server: nothing else
    expect(events.map((e) => Number(e.id))).toEqual(events.map((_, i) => i));
    // default mode: values; the stream ends by closing, with no `end` event (the SDK would hand it to user code)
    expect(events.map((e) => e.event)).toEqual(["metadata", "values", "values", "values"]);
    expect(events[3].data).toEqual({ count: 4, trail: ["increment", "double"] });
  });

  it("replays everything for Last-Event-ID: -1 and exactly the rest for a given id, after the run ended", async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "simple", { input: { count: 1 } });
    await client.runs.join(thread.thread_id, run.run_id);
    const path = `/threads/${thread.thread_id}/runs/${run.run_id}/stream`;
    const all = (await frames(await fetch(`${system.url}${path}`, { headers: { "last-event-id": "-1" } }))).filter(
      (f) => !f.comment,
    );
    expect(all.map((f) => f.event)).toEqual(["metadata", "values", "values", "values"]);
    const rest = (await frames(await fetch(`${system.url}${path}`, { headers: { "last-event-id": "1" } }))).filter(
      (f) => !f.comment,
    );
    expect(rest.map((f) => f.id)).toEqual(["2", "3"]);
  });

  it("sends heartbeat comments while a stream is quiet", async () => {
    const thread = await client.threads.create();
    // A slow reply in values mode: nothing to send for ~1 s while the model "thinks".
    const response = await post(`/threads/${thread.thread_id}/runs/stream`, {
      assistant_id: "agent",
      input: human("slow quiet one"),
      stream_mode: ["values"],
    });
    const all = await frames(response);
    expect(all.filter((f) => f.comment === "heartbeat").length).toBeGreaterThan(0);
    expect(all.filter((f) => !f.comment).at(-1)?.event).toBe("values");
  });

  it("names subgraph events mode|namespace when stream_subgraphs is on, and only then", async () => {
    const thread = await client.threads.create();
    const parts = [];
    for await (const part of client.runs.stream(thread.thread_id, "nested", {
      input: { text: "a" },
      streamMode: ["updates"],
      streamSubgraphs: true,
    }))
      parts.push(part);
    const names = parts.map((p) => p.event);
    expect(names).toContain("updates");
    const child = names.filter((n) => n.startsWith("updates|"));
    expect(child.length).toBe(2); // the subgraph's two nodes
    expect(child[0]).toMatch(/^updates\|inner:[0-9a-f-]{36}$/);
    const flat = [];
    for await (const part of client.runs.stream(thread.thread_id, "nested", {
      input: { text: "b" },
      streamMode: ["updates"],
    }))
      flat.push(part.event);
    expect(flat.some((n) => n.includes("|"))).toBe(false);
  });
});

describe("stream modes", () => {
  it("custom: what a node writes with config.writer", async () => {
    const thread = await client.threads.create();
    const parts = [];
    for await (const part of client.runs.stream(thread.thread_id, "simple", {
      input: { count: 7 },
      streamMode: ["custom"],
    }))
      parts.push(part);
    expect(parts.filter((p) => p.event === "custom").map((p) => p.data)).toEqual([{ progress: "incrementing 7" }]);
  });

  it("events: LangChain stream events, alongside the other modes", async () => {
    const thread = await client.threads.create();
    const parts = [];
    for await (const part of client.runs.stream(thread.thread_id, "agent", {
      input: human("hey"),
      streamMode: ["events", "values"],
    }))
      parts.push(part);
    const events = parts.filter((p) => p.event === "events").map((p) => p.data as { event: string; name: string });
    expect(events.some((e) => e.event === "on_chat_model_stream")).toBe(true);
    expect(events.some((e) => e.event === "on_chain_start" && e.name === "agent")).toBe(true);
    expect(parts.filter((p) => p.event === "values").length).toBeGreaterThan(0);
  });

  it("legacy messages mode: metadata, growing partials, then the complete messages", async () => {
    const thread = await client.threads.create();
    const parts = [];
    for await (const part of client.runs.stream(thread.thread_id, "agent", {
      input: human("abc"),
      streamMode: ["messages"],
    }))
      parts.push(part);
    const names = parts.map((p) => p.event);
    expect(names).toContain("messages/metadata");
    const partials = parts
      .filter((p) => p.event === "messages/partial")
      .map((p) => (p.data as { content: string }[])[0].content);
    expect(partials[0]).toBe("Y");
    expect(partials[partials.length - 1]).toBe("You said: abc");
    const complete = parts
      .filter((p) => p.event === "messages/complete")
      .flatMap((p) => p.data as { type: string; content: string }[]);
    expect(complete.map((m) => [m.type, m.content])).toEqual([
      ["human", "abc"],
      ["ai", "You said: abc"],
    ]);
  });
});

describe("run options", () => {
  it("interrupt_before: '*' stops before the first node, and the next run continues", async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, "simple", { input: { count: 1 }, interruptBefore: "*" });
    expect((await client.threads.getState(thread.thread_id)).next).toEqual(["increment"]);
    expect((await client.threads.get(thread.thread_id)).status).toBe("interrupted");
    await client.runs.wait(thread.thread_id, "simple", { input: null, interruptAfter: ["increment"] });
    const state = await client.threads.getState<{ count: number }>(thread.thread_id);
    expect(state.values.count).toBe(2);
    expect(state.next).toEqual(["double"]);
    await client.runs.wait(thread.thread_id, "simple", { input: null });
    expect((await client.threads.getState<{ count: number }>(thread.thread_id)).values.count).toBe(4);
  });

  it("if_not_exists: create makes the thread; the default rejects an unknown one with 404", async () => {
    const threadId = "6f1c2a9e-4b1d-4c1a-9a55-0a2a7b3c4d5e";
    await expect(client.runs.wait(threadId, "simple", { input: { count: 1 } })).rejects.toThrow(/404/);
    const values = await client.runs.wait(threadId, "simple", { input: { count: 1 }, ifNotExists: "create" });
    expect(values).toEqual({ count: 4, trail: ["increment", "double"] });
    expect((await client.threads.get(threadId)).metadata).toMatchObject({ graph_id: "simple" });
  });

  it("on_disconnect: cancel stops the run when the streaming client goes away", async () => {
    const thread = await client.threads.create();
    const response = await post(
      `/threads/${thread.thread_id}/runs/stream`,
      // About 140 characters at 50 ms each: 7 s of reply, so a loaded machine still cancels it well before its end.
      {
        assistant_id: "agent",
        input: human(`slow ${"and long ".repeat(14)}reply to abandon`),
        stream_mode: ["messages-tuple"],
        on_disconnect: "cancel",
      },
    );
    const runId = response.headers.get("content-location")!.split("/").pop()!;
    const reader = response.body!.getReader();
    await reader.read(); // the stream has started
    await reader.cancel();
    const run = await runReaches(client, thread.thread_id, runId, ["interrupted", "success"]);
    expect(run.status).toBe("interrupted");
  });

  it("a long wait keeps its connection alive with newlines, and the SDK reads the answer after them", async () => {
    const thread = await client.threads.create();
    const slow = human("slow reply, about two seconds of it");
    const response = await post(`/threads/${thread.thread_id}/runs/wait`, { assistant_id: "agent", input: slow });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/json");
    expect(response.headers.get("content-location")).toMatch(new RegExp(`^/threads/${thread.thread_id}/runs/`));
    const text = await response.text();
    expect(text).toMatch(/^\n{5,}\{/); // a newline every 100 ms (this server's heartbeat), then the values
    expect(JSON.parse(text).messages.at(-1).content).toBe("You said: slow reply, about two seconds of it");
    // Through the SDK (runs.wait, and join on a run under way) the newlines are invisible.
    const values = (await client.runs.wait(thread.thread_id, "agent", { input: human("slow again") })) as {
      messages: { content: string }[];
    };
    expect(values.messages.at(-1)!.content).toBe("You said: slow again");
    const run = await client.runs.create(thread.thread_id, "agent", { input: human("slow, joined") });
    expect(
      ((await client.runs.join(thread.thread_id, run.run_id)) as { messages: { content: string }[] }).messages.at(-1)!
        .content,
    ).toBe("You said: slow, joined");
  });

  it("on_disconnect: cancel stops a waited run when its client goes away", async () => {
    const thread = await client.threads.create();
    const response = await post(`/threads/${thread.thread_id}/runs/wait`, {
      assistant_id: "agent",
      input: human(`slow ${"and long ".repeat(14)}reply to abandon`),
      on_disconnect: "cancel",
    });
    const runId = response.headers.get("content-location")!.split("/").pop()!;
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("\n"); // the wait has begun
    await reader.cancel();
    const run = await runReaches(client, thread.thread_id, runId, ["interrupted", "success"]);
    expect(run.status).toBe("interrupted");
  });

  it("the stop button (POST …/stream?action=interrupt&wait=1) stops a running run", async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "agent", { input: human("slow reply for the stop button") });
    await runReaches(client, thread.thread_id, run.run_id, ["running"]);
    const stopped = await fetch(
      `${system.url}/threads/${thread.thread_id}/runs/${run.run_id}/stream?action=interrupt&wait=1`,
      { method: "POST" },
    );
    expect(stopped.status).toBe(204);
    expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe("interrupted");
    expect((await client.threads.get(thread.thread_id)).status).not.toBe("busy");
  });
});

describe("queue delivery", () => {
  it("a duplicate delivery of a run message does not run the graph twice", async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "simple", { input: { count: 1 } });
    // The queue already delivered it once; deliver the same message twice more, concurrently.
    await Promise.all([
      executeRun(system.platform, { run_id: run.run_id, thread_id: thread.thread_id }),
      executeRun(system.platform, { run_id: run.run_id, thread_id: thread.thread_id }),
    ]);
    await client.runs.join(thread.thread_id, run.run_id);
    // The duplicates have returned, so anything they stored is stored. The delivery that ran the graph stores its
    // `end` with its last flush, which may land just after the run reads as finished.
    const events = await vi.waitFor(
      async () => {
        const stored = await system.platform.events.read(run.run_id, -1);
        expect(stored.some((e) => e.event === "end")).toBe(true);
        return stored;
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(events.filter((e) => e.event === "metadata")).toHaveLength(1);
    expect(events.filter((e) => e.event === "end")).toHaveLength(1);
    const history = await client.threads.getHistory(thread.thread_id, { limit: 100 });
    expect(history).toHaveLength(4); // input + 3 steps, once
    expect((await client.threads.getState<{ count: number }>(thread.thread_id)).values.count).toBe(4);
  });
});
