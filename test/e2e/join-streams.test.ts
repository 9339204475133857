/**
 * End to end: joining streams with the official SDK — a run's stream by its id alone (`runs.joinStream(null, id)`)
 * and every run of a thread as one stream (`threads.joinStream`, with its modes and Last-Event-ID resumption).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@langchain/langgraph-sdk";
import type { LocalSystem } from "../../lib/local/start.js";
import { collect, httpStatus, human, localServer } from "../helpers/sdk.js";

let system: LocalSystem;
let client: Client;

beforeAll(async () => ({ system, client } = await localServer()));
afterAll(() => system?.close());

type Part = { id?: string; event: string; data: any };

/** Reads the thread stream until `runDones` runs have finished on it, then leaves. */
async function readThread(
  threadId: string,
  runDones: number,
  options: { lastEventId?: string; streamMode?: any } = {},
): Promise<Part[]> {
  const abort = new AbortController();
  const parts: Part[] = [];
  try {
    for await (const part of client.threads.joinStream(threadId, { ...options, signal: abort.signal })) {
      parts.push(part as Part);
      if (part.event === "run_done" && --runDones === 0) break;
    }
  } finally {
    abort.abort();
  }
  return parts;
}

/** Opens the thread stream now (so it starts before the runs), returning its eventual parts. */
function openThread(threadId: string, runDones: number, options: { streamMode?: any } = {}): Promise<Part[]> {
  return readThread(threadId, runDones, options);
}

const byRun = (parts: Part[]) => {
  const runs = new Map<string, Part[]>();
  for (const part of parts) {
    const runId = part.id!.split(":")[0];
    runs.set(runId, [...(runs.get(runId) ?? []), part]);
  }
  return runs;
};

describe("runs.joinStream(null, runId)", () => {
  it("streams a run found by its id alone, the same events as with its thread", async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "simple", {
      input: { count: 1 },
      streamMode: ["values", "updates"],
    });
    const withoutThread = await collect(client.runs.joinStream(null, run.run_id));
    const withThread = await collect(client.runs.joinStream(thread.thread_id, run.run_id));
    expect(withoutThread.map((p) => p.event)).toEqual(withThread.map((p) => p.event));
    expect(withoutThread[0]).toMatchObject({ event: "metadata", data: { run_id: run.run_id } });
    const values = withoutThread.filter((p) => p.event === "values").map((p) => (p.data as { count: number }).count);
    expect(values.at(-1)).toBe(4); // (1 + 1) * 2
  });

  it("sends only the asked stream modes' events", async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "simple", {
      input: { count: 1 },
      streamMode: ["values", "updates"],
    });
    const updatesOnly = await collect(client.runs.joinStream(null, run.run_id, { streamMode: "updates" }));
    expect(updatesOnly[0].event).toBe("metadata");
    expect(updatesOnly.filter((p) => p.event === "updates").map((p) => Object.keys(p.data as object))).toEqual([
      ["increment"],
      ["double"],
    ]);
    expect(updatesOnly.some((p) => p.event === "values")).toBe(false);
    const both = await collect(
      client.runs.joinStream(thread.thread_id, run.run_id, { streamMode: ["updates", "values"] }),
    );
    expect(both.some((p) => p.event === "values")).toBe(true);
    expect(
      await httpStatus(collect(client.runs.joinStream(null, run.run_id, { streamMode: "everything" as never }))),
    ).toBe(422);
  });

  it("resumes after Last-Event-ID, and gives an empty stream for an unknown run (as the official server)", async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "simple", { input: { count: 0 } });
    const all = await collect(client.runs.joinStream(null, run.run_id));
    const rest = await collect(client.runs.joinStream(null, run.run_id, { lastEventId: all[1].id }));
    expect(rest.map((p) => p.id)).toEqual(all.slice(2).map((p) => p.id));
    expect(await collect(client.runs.joinStream(null, "1f0a0000-0000-7000-8000-000000000000"))).toEqual([]);
    await client.runs.delete(thread.thread_id, run.run_id);
    expect(await collect(client.runs.joinStream(null, run.run_id))).toEqual([]);
  });
});

describe("threads.joinStream", () => {
  it("streams every run of the thread, in order, each ending with run_done", async () => {
    const thread = await client.threads.create();
    const reading = openThread(thread.thread_id, 2);
    await new Promise((r) => setTimeout(r, 150)); // the stream is open before the first run
    const first = await client.runs.wait(thread.thread_id, "agent", { input: human("one") });
    const second = await client.runs.create(thread.thread_id, "agent", { input: human("two") });
    const parts = await reading;
    expect(first).toBeTruthy();
    const runs = [...byRun(parts).entries()];
    expect(runs).toHaveLength(2);
    expect(runs[1][0]).toBe(second.run_id);
    for (const [runId, events] of runs) {
      expect(events[0]).toMatchObject({ event: "metadata", data: { run_id: runId } });
      expect(events.at(-1)).toMatchObject({
        event: "run_done",
        data: { run_id: runId, thread_id: thread.thread_id, status: "success" },
      });
      expect(events.some((e) => e.event === "values")).toBe(true);
    }
    const lastValues = runs[1][1].filter((e) => e.event === "values").at(-1)!.data;
    expect(lastValues.messages.map((m: { content: string }) => m.content)).toEqual([
      "one",
      "You said: one",
      "two",
      "You said: two",
    ]);
  });

  it("joins a run already under way from its first event", async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "agent", { input: human("a slow reply please") });
    const parts = await readThread(thread.thread_id, 1);
    expect(parts[0]).toMatchObject({ event: "metadata", id: `${run.run_id}:0` });
    expect(parts.at(-1)).toMatchObject({ event: "run_done", data: { status: "success" } });
  });

  it("lifecycle mode sends only each run's start and end; state_update only its values", async () => {
    const thread = await client.threads.create();
    const lifecycle = openThread(thread.thread_id, 1, { streamMode: "lifecycle" });
    const stateUpdates = (async () => {
      // state_update has no run_done to stop on: stop at the values holding the reply.
      const abort = new AbortController();
      const parts: Part[] = [];
      for await (const part of client.threads.joinStream(thread.thread_id, {
        streamMode: "state_update",
        signal: abort.signal,
      })) {
        parts.push(part as Part);
        if (part.event === "values" && (part.data as { messages: unknown[] }).messages.length === 2) break;
      }
      abort.abort();
      return parts;
    })();
    await new Promise((r) => setTimeout(r, 150));
    const run = await client.runs.create(thread.thread_id, "agent", { input: human("hi") });
    expect((await lifecycle).map((p) => p.event)).toEqual(["metadata", "run_done"]);
    expect((await lifecycle)[1].data).toMatchObject({ run_id: run.run_id, status: "success" });
    const updates = await stateUpdates;
    expect(updates.length).toBeGreaterThan(0);
    expect(new Set(updates.map((p) => p.event))).toEqual(new Set(["values"]));
  });

  it("resumes after Last-Event-ID, and replays the whole thread with '-'", async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, "simple", { input: { count: 1 } });
    await client.runs.wait(thread.thread_id, "simple", { input: { count: 5 } });
    const everything = await readThread(thread.thread_id, 2, { lastEventId: "-" });
    expect(byRun(everything).size).toBe(2);
    const middle = everything[3];
    const rest = await readThread(thread.thread_id, 2, { lastEventId: middle.id });
    expect(rest.map((p) => p.id)).toEqual(everything.slice(4).map((p) => p.id));
    // The runs' results, as a reader of the thread stream sees them: (1+1)*2 = 4, then (5+1)*2 = 12.
    const counts = [...byRun(everything).values()].map(
      (events) => events.filter((e) => e.event === "values").at(-1)!.data.count,
    );
    expect(counts).toEqual([4, 12]);
  });

  it("ends when the thread is deleted", async () => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, "simple", { input: { count: 1 } });
    const reading = collect(client.threads.joinStream(thread.thread_id, { lastEventId: "-" }));
    await new Promise((r) => setTimeout(r, 300));
    await client.threads.delete(thread.thread_id);
    const parts = await reading; // returns: the server closed the stream
    expect(parts.at(-1)?.event).toBe("run_done");
  });

  it("answers 404 for an unknown thread and 422 for a bad Last-Event-ID or stream mode", async () => {
    const thread = await client.threads.create();
    expect(await httpStatus(readThread("1f0a0000-0000-7000-8000-000000000000", 1))).toBe(404);
    expect(await httpStatus(readThread(thread.thread_id, 1, { lastEventId: "nonsense" }))).toBe(422);
    const response = await fetch(`${system.url}/threads/${thread.thread_id}/stream?stream_mode=everything`);
    expect(response.status).toBe(422);
    expect(JSON.stringify(await response.json())).toContain("stream_mode");
  });
});
