/**
 * End to end: the official @langchain/langgraph-sdk Client against the local server (`startLocal`, what
 * `npm start` runs) — the exact Lambda handler behind node:http, the embedded DynamoDB, the in-process queue.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@langchain/langgraph-sdk";
import type { LocalSystem } from "../../lib/local/start.js";
import { collect, human, localServer, runReaches } from "../helpers/sdk.js";

let system: LocalSystem;
let client: Client;

beforeAll(async () => ({ system, client } = await localServer()));
afterAll(() => system?.close());

describe("threads", () => {
  it("creates, reads, patches, searches and deletes a thread", async () => {
    const thread = await client.threads.create({ metadata: { owner: "alice" } });
    expect(thread).toMatchObject({ metadata: { owner: "alice" }, status: "idle" });
    expect(await client.threads.get(thread.thread_id)).toMatchObject({ thread_id: thread.thread_id });
    const patched = await client.threads.update(thread.thread_id, { metadata: { topic: "x" } });
    expect(patched.metadata).toEqual({ owner: "alice", topic: "x" });
    const found = await client.threads.search({ metadata: { owner: "alice" } });
    expect(found.map((t) => t.thread_id)).toContain(thread.thread_id);
    await client.threads.delete(thread.thread_id);
    await expect(client.threads.get(thread.thread_id)).rejects.toThrow(/404/);
  });
});

describe("runs", () => {
  it("streams values, updates and tokens one by one, in order", async () => {
    const thread = await client.threads.create();
    const parts = await collect(
      client.runs.stream(thread.thread_id, "agent", {
        input: human("hello there"),
        streamMode: ["values", "messages-tuple", "updates"],
      }),
    );
    const events = parts.map((p) => p.event);
    expect(events[0]).toBe("metadata");
    expect((parts[0].data as { run_id: string }).run_id).toBeTruthy();
    expect(events).toContain("values");
    expect(events).toContain("updates");
    const tokens = parts
      .filter((p) => p.event === "messages")
      .map((p) => (p.data as [{ content: string }, unknown])[0].content);
    expect(tokens.length).toBe("You said: hello there".length); // one event per token
    expect(tokens.join("")).toBe("You said: hello there");
    const lastValues = parts.filter((p) => p.event === "values").pop()!.data as {
      messages: { type: string; content: string }[];
    };
    expect(lastValues.messages.map((m) => [m.type, m.content])).toEqual([
      ["human", "hello there"],
      ["ai", "You said: hello there"],
    ]);
  });

  it("waits for a run and returns the final values; a tool call runs on the way", async () => {
    const thread = await client.threads.create();
    const values = (await client.runs.wait(thread.thread_id, "agent", { input: human("what time is it?") })) as {
      messages: { type: string; content: string }[];
    };
    expect(values.messages.map((m) => m.type)).toEqual(["human", "ai", "tool", "ai"]);
    expect(values.messages[3].content).toMatch(/^It is \d{4}-\d\d-\d\dT/);
    const runs = await client.runs.list(thread.thread_id);
    expect(runs).toHaveLength(1);
    expect(runs[0].status).toBe("success");
    expect((await client.threads.get(thread.thread_id)).status).toBe("idle");
  });

  it("creates a background run and joins it", async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "simple", { input: { count: 4 } });
    expect(run.status).toBe("pending");
    const result = (await client.runs.join(thread.thread_id, run.run_id)) as { count: number; trail: string[] };
    expect(result).toEqual({ count: 10, trail: ["increment", "double"] });
    expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe("success");
  });

  it("joinStream with lastEventId resumes exactly after that event", async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "agent", {
      input: human("count my tokens"),
      streamMode: ["messages-tuple"],
    });
    const all = await collect(client.runs.joinStream(thread.thread_id, run.run_id, { lastEventId: "-1" }));
    expect(all[0].event).toBe("metadata");
    const ids = all.map((p) => Number(p.id));
    expect(ids).toEqual(ids.map((_, i) => i)); // strictly increasing from 0
    const resumed = await collect(client.runs.joinStream(thread.thread_id, run.run_id, { lastEventId: "5" }));
    expect(resumed.map((p) => p.id)).toEqual(all.slice(6).map((p) => p.id));
    expect(resumed.map((p) => p.data)).toEqual(all.slice(6).map((p) => p.data));
  });

  it("reads state and history after a run", async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, "simple", { input: { count: 1 } });
    const state = await client.threads.getState<{ count: number }>(thread.thread_id);
    expect(state.values).toEqual({ count: 4, trail: ["increment", "double"] });
    expect(state.next).toEqual([]);
    expect(state.checkpoint.checkpoint_id).toBeTruthy();
    const history = await client.threads.getHistory(thread.thread_id);
    expect(history.length).toBeGreaterThanOrEqual(3);
    expect(history[0].checkpoint.checkpoint_id).toBe(state.checkpoint.checkpoint_id);
    expect((history[0].values as { count: number }).count).toBe(4);
    const limited = await client.threads.getHistory(thread.thread_id, { limit: 1 });
    expect(limited).toHaveLength(1);
  });

  it("stops at interrupt() and resumes with command: {resume}", async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, "agent", { input: human("please approve the refund") });
    const paused = await client.threads.get(thread.thread_id);
    expect(paused.status).toBe("interrupted");
    const state = await client.threads.getState(thread.thread_id);
    expect(state.next).toEqual(["approval"]);
    expect(state.tasks[0].interrupts[0].value).toEqual({
      question: "Do you approve?",
      request: "please approve the refund",
    });

    const resumed = (await client.runs.wait(thread.thread_id, "agent", { command: { resume: "yes" } })) as {
      messages: { content: string }[];
    };
    expect(resumed.messages[resumed.messages.length - 1].content).toBe("Approved: done.");
    expect((await client.threads.get(thread.thread_id)).status).toBe("idle");
  });
});

describe("multitask and cancel", () => {
  it("refuses a second run on a busy thread with 409 under reject", async () => {
    const thread = await client.threads.create();
    const slow = await client.runs.create(thread.thread_id, "agent", { input: human("slow reply please") });
    await expect(client.runs.create(thread.thread_id, "agent", { input: human("again") })).rejects.toThrow(/409/);
    await client.runs.join(thread.thread_id, slow.run_id);
    expect((await client.runs.list(thread.thread_id)).map((r) => r.run_id)).toEqual([slow.run_id]);
  });

  it("accepts exactly one of 20 concurrent runs on an idle thread", async () => {
    const thread = await client.threads.create();
    // A slow reply (~4 s: 50 ms a character) keeps the winner running through the whole burst, even on a busy machine:
    // a request served after the winner finished is rightly accepted (the thread is free again).
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        client.runs.create(thread.thread_id, "agent", {
          input: human(`slow burst number ${i}, with a reply long enough to outlast the burst`),
        }),
      ),
    );
    const accepted = results.filter((r) => r.status === "fulfilled");
    const rejected = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
    expect(accepted).toHaveLength(1);
    expect(rejected).toHaveLength(19);
    for (const r of rejected) expect(String(r.reason)).toMatch(/409/);
    const run = (accepted[0] as PromiseFulfilledResult<{ run_id: string }>).value;
    await client.runs.join(thread.thread_id, run.run_id);
    expect(await client.runs.list(thread.thread_id)).toHaveLength(1);
  });

  it("runs enqueued runs one after another, in order", async () => {
    const thread = await client.threads.create();
    const first = await client.runs.create(thread.thread_id, "agent", {
      input: human("slow first"),
      multitaskStrategy: "enqueue",
    });
    const second = await client.runs.create(thread.thread_id, "agent", {
      input: human("second"),
      multitaskStrategy: "enqueue",
    });
    expect(second.status).toBe("pending");
    await client.runs.join(thread.thread_id, second.run_id);
    const firstRun = await client.runs.get(thread.thread_id, first.run_id);
    const secondRun = await client.runs.get(thread.thread_id, second.run_id);
    expect([firstRun.status, secondRun.status]).toEqual(["success", "success"]);
    const state = await client.threads.getState<{ messages: { content: string }[] }>(thread.thread_id);
    expect(state.values.messages.map((m) => m.content)).toEqual([
      "slow first",
      "You said: slow first",
      "second",
      "You said: second",
    ]);
  });

  it("cancels with interrupt: the run stops, keeps what it checkpointed, and the thread is free", async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, "simple", { input: { count: 1 } });
    const run = await client.runs.create(thread.thread_id, "agent", {
      input: human("slow and steady wins the race eventually"),
    });
    await runReaches(client, thread.thread_id, run.run_id, ["running"]);
    await client.runs.cancel(thread.thread_id, run.run_id, true, "interrupt");
    expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe("interrupted");
    const thread2 = await client.threads.get(thread.thread_id);
    expect(thread2.status).not.toBe("busy");
    const state = await client.threads.getState<{ messages: { content: string }[] }>(thread.thread_id);
    // The input checkpoint was written before the cancel; the model's reply never was.
    expect(state.values.messages.map((m) => m.content)).toEqual(["slow and steady wins the race eventually"]);
    // Cancelling it again is answered as done (as officially) and changes nothing.
    await client.runs.cancel(thread.thread_id, run.run_id);
    expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe("interrupted");
  });

  it("cancels with rollback: the thread is back at its pre-run state and the run is gone", async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, "agent", { input: human("first message") });
    const before = await client.threads.getState(thread.thread_id);
    const run = await client.runs.create(thread.thread_id, "agent", {
      input: human("slow second message that we roll back"),
    });
    await runReaches(client, thread.thread_id, run.run_id, ["running"]);
    await client.runs.cancel(thread.thread_id, run.run_id, true, "rollback");
    const after = await client.threads.getState(thread.thread_id);
    expect(after.values).toEqual(before.values);
    expect(after.checkpoint.checkpoint_id).toBe(before.checkpoint.checkpoint_id);
    await expect(client.runs.get(thread.thread_id, run.run_id)).rejects.toThrow(/404/);
    // The thread is free for the next run.
    await client.runs.wait(thread.thread_id, "agent", { input: human("third") });
  });

  it("interrupt strategy cancels the running run and starts the new one", async () => {
    const thread = await client.threads.create();
    const first = await client.runs.create(thread.thread_id, "agent", {
      input: human("slow one that gets interrupted"),
    });
    await runReaches(client, thread.thread_id, first.run_id, ["running"]);
    const second = await client.runs.create(thread.thread_id, "agent", {
      input: human("urgent"),
      multitaskStrategy: "interrupt",
    });
    await client.runs.join(thread.thread_id, second.run_id);
    expect((await client.runs.get(thread.thread_id, first.run_id)).status).toBe("interrupted");
    expect((await client.runs.get(thread.thread_id, second.run_id)).status).toBe("success");
  });
});

describe("assistants and meta", () => {
  it("serves default assistants by graph id and by the official uuid", async () => {
    const assistants = await client.assistants.search();
    expect(assistants.map((a) => a.graph_id).sort()).toEqual(["agent", "memory", "nested", "simple"]);
    const agent = assistants.find((a) => a.graph_id === "agent")!;
    expect((await client.assistants.get(agent.assistant_id)).graph_id).toBe("agent");
    expect((await client.assistants.get("agent")).assistant_id).toBe(agent.assistant_id);
    const graph = await client.assistants.getGraph("agent");
    expect((graph.nodes as { id: string }[]).map((n) => n.id)).toEqual(
      expect.arrayContaining(["agent", "tools", "approval"]),
    );
    expect(await client.assistants.getSchemas("agent")).toMatchObject({ graph_id: "agent" });
  });
});

describe("bad input", () => {
  const post = (path: string, body: unknown) =>
    fetch(`${system.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  it("answers 422 naming the field, 404 for unknown ids, and never leaves a thread busy", async () => {
    const thread = await client.threads.create();
    const badMode = await post(`/threads/${thread.thread_id}/runs`, {
      assistant_id: "agent",
      stream_mode: ["nonsense"],
    });
    expect(badMode.status).toBe(422);
    expect(JSON.stringify(await badMode.json())).toContain("stream_mode");
    const badType = await post(`/threads/${thread.thread_id}/runs`, {
      assistant_id: "agent",
      metadata: "not an object",
    });
    expect(badType.status).toBe(422);
    expect(((await badType.json()) as { detail: { loc: string[] }[] }).detail[0].loc).toEqual(["body", "metadata"]);
    expect((await post(`/threads/${thread.thread_id}/runs`, "{not json")).status).toBe(422);
    expect((await post(`/threads/${thread.thread_id}/runs`, { assistant_id: "no-such-graph" })).status).toBe(404);
    expect((await post(`/threads/01a21197-0000-7000-8000-000000000000/runs`, { assistant_id: "agent" })).status).toBe(
      404,
    );
    expect(
      (await fetch(`${system.url}/threads/${thread.thread_id}/runs/01a21197-0000-7000-8000-000000000000`)).status,
    ).toBe(404);
    expect((await fetch(`${system.url}/threads/01a21197-0000-7000-8000-000000000000`)).status).toBe(404);
    expect((await fetch(`${system.url}/threads/nope`)).status).toBe(422); // not a UUID: bad input, naming thread_id
    expect((await fetch(`${system.url}/no/such/route`)).status).toBe(404);
    // None of that left the thread busy.
    expect((await client.threads.get(thread.thread_id)).status).toBe("idle");
    await client.runs.wait(thread.thread_id, "simple", { input: { count: 1 } });
  });

  it("a graph that throws gives an error event, a failed run and an error thread — and the thread runs again", async () => {
    const thread = await client.threads.create();
    const bad = await collect(
      client.runs.stream(thread.thread_id, "agent", { input: human("please fail"), streamMode: ["values"] }),
    );
    const error = bad.find((p) => p.event === "error");
    expect(error?.data).toEqual({ error: "Error", message: "The agent was asked to fail." });
    expect(bad[bad.length - 1].event).toBe("error"); // the stream closes after it: no `end` event
    const runs = await client.runs.list(thread.thread_id);
    expect(runs[0].status).toBe("error");
    expect((await client.threads.get(thread.thread_id)).status).toBe("error");
    await client.runs.wait(thread.thread_id, "simple", { input: { count: 2 } });
  });
});
