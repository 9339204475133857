/**
 * Error responses as the official JS server (@langchain/langgraph-api) answers them, compared side by side with it
 * (test/compat/graphs/streams/side-by-side.ts, the `err …` cases): the message as a plain-text body, so the SDK
 * surfaces `HTTP 404: Assistant not found`. Two deliberate differences: a busy thread is 409 (the official server
 * says 422), and bad input is 422 with a JSON body naming the field (the official server says 400).
 */
import type { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalSystem } from "../../lib/local/start.js";
import { localServer } from "../helpers/sdk.js";

let system: LocalSystem;
let client: Client;

beforeAll(async () => {
  ({ system, client } = await localServer({ config: "test/compat/graphs/streams/langgraph.json" }));
}, 60_000);
afterAll(() => system?.close());

const missing = "00000000-0000-4000-8000-00000000dead";
const noAssistant = (id: string) =>
  `No assistant found for "${id}". Make sure the assistant ID is for a valid assistant or a valid graph ID.`;
const BUSY = "Thread is already running a task. Wait for it to finish or choose a different multitask strategy.";

async function raw(method: string, path: string, body?: unknown) {
  const res = await fetch(`${system.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
}

describe("not found", () => {
  it("answers the official message as plain text", async () => {
    const thread = await client.threads.create();
    const cases: [string, string, unknown, number, string][] = [
      ["GET", `/assistants/${missing}`, undefined, 404, "Assistant not found"],
      ["DELETE", `/assistants/${missing}`, undefined, 404, "Assistant not found"],
      ["POST", `/assistants/${missing}/versions`, {}, 404, `Assistant "${missing}" not found.`],
      ["GET", `/threads/${missing}`, undefined, 404, `Thread with ID ${missing} not found`],
      ["GET", `/threads/${missing}/state`, undefined, 404, `Thread with ID ${missing} not found`],
      ["GET", `/threads/${thread.thread_id}/runs/${missing}`, undefined, 404, "Run not found"],
      ["POST", `/threads/${thread.thread_id}/runs`, { assistant_id: "nope" }, 404, noAssistant("nope")],
      ["POST", `/threads/${thread.thread_id}/runs/wait`, { assistant_id: missing }, 404, noAssistant(missing)],
      ["POST", `/runs/stream`, { assistant_id: "nope" }, 404, noAssistant("nope")],
    ];
    for (const [method, path, body, status, text] of cases) {
      expect({ method, path, ...(await raw(method, path, body)) }).toEqual({
        method,
        path,
        status,
        type: "text/plain; charset=UTF-8",
        text,
      });
    }
  });

  it("reaches SDK users as `HTTP <status>: <message>`", async () => {
    await expect(client.assistants.get(missing)).rejects.toThrow("HTTP 404: Assistant not found");
    await expect(client.threads.get(missing)).rejects.toThrow(`HTTP 404: Thread with ID ${missing} not found`);
    const thread = await client.threads.create();
    await expect(client.runs.get(thread.thread_id, missing)).rejects.toThrow("HTTP 404: Run not found");
    await expect(client.runs.wait(thread.thread_id, "nope", { input: null })).rejects.toThrow(
      `HTTP 404: ${noAssistant("nope")}`,
    );
    const streaming = async () => {
      for await (const _ of client.runs.stream(thread.thread_id, "nope", { input: null }));
    };
    await expect(streaming()).rejects.toThrow(noAssistant("nope"));
  });
});

describe("an assistant on a graph this server does not have", () => {
  it("is created and patched as on the official server; its graph reads are 404 and its runs fail", async () => {
    const assistant = await client.assistants.create({ graphId: "no_such_graph" });
    expect(assistant).toMatchObject({ graph_id: "no_such_graph", name: "Untitled", version: 1 });
    expect((await client.assistants.get(assistant.assistant_id)).graph_id).toBe("no_such_graph");
    const notFound = 'HTTP 404: Graph "no_such_graph" not found';
    await expect(client.assistants.getGraph(assistant.assistant_id)).rejects.toThrow(notFound);
    await expect(client.assistants.getSchemas(assistant.assistant_id)).rejects.toThrow(notFound);
    await expect(client.assistants.getSubgraphs(assistant.assistant_id)).rejects.toThrow(notFound);
    const thread = await client.threads.create();
    // The run is accepted and fails (the SDK raises the run's error).
    await expect(client.runs.wait(thread.thread_id, assistant.assistant_id, { input: {} })).rejects.toThrow(
      'Graph "no_such_graph" not found',
    );
    expect((await client.runs.list(thread.thread_id))[0].status).toBe("error");
    const patched = await client.assistants.update(assistant.assistant_id, { graphId: "another_missing" });
    expect(patched).toMatchObject({ graph_id: "another_missing", version: 2 });
  });
});

describe("a busy thread", () => {
  it("is 409 with the official message as plain text", async () => {
    const thread = await client.threads.create();
    // This run holds the thread until it is cancelled.
    const first = await client.runs.create(thread.thread_id, "hold", { input: {} });
    const second = await raw("POST", `/threads/${thread.thread_id}/runs`, { assistant_id: "chat", input: null });
    expect(second).toEqual({ status: 409, type: "text/plain; charset=UTF-8", text: BUSY });
    await expect(client.runs.create(thread.thread_id, "chat", { input: null })).rejects.toThrow(`HTTP 409: ${BUSY}`);
    await client.runs.cancel(thread.thread_id, first.run_id);
  });
});

describe("bad input", () => {
  it("stays 422 with a JSON body naming the field", async () => {
    const thread = await client.threads.create();
    const answer = await raw("POST", `/threads/${thread.thread_id}/runs`, { assistant_id: "chat", stream_mode: 5 });
    expect(answer).toMatchObject({ status: 422, type: "application/json" });
    expect(JSON.parse(answer.text).detail[0].loc).toEqual(["body", "stream_mode"]);
  });
});

describe("a thread or run id that is not a UUID", () => {
  // The official server refuses these as invalid input (400 with a ZodError naming `thread_id`); as all bad input
  // here, they are a 422 naming the path parameter — not a 404, which would say such a thread could exist.
  it("is refused as bad input naming the path parameter", async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "nested", { input: { word: "a" } });
    const cases: [string, string, unknown, string][] = [
      ["GET", "/threads/not-a-uuid", undefined, "thread_id"],
      ["GET", "/threads/not-a-uuid/state", undefined, "thread_id"],
      ["POST", "/threads/not-a-uuid/history", {}, "thread_id"],
      ["DELETE", "/threads/not-a-uuid", undefined, "thread_id"],
      ["POST", "/threads/not-a-uuid/runs/wait", { assistant_id: "nested", input: { word: "a" } }, "thread_id"],
      ["GET", `/threads/${thread.thread_id}/runs/not-a-uuid`, undefined, "run_id"],
      ["GET", `/threads/${thread.thread_id}/state/not-a-uuid`, undefined, "checkpoint_id"],
    ];
    for (const [method, path, body, param] of cases) {
      const answer = await raw(method, path, body);
      expect({ method, path, status: answer.status, type: answer.type }).toEqual({
        method,
        path,
        status: 422,
        type: "application/json",
      });
      expect(JSON.parse(answer.text).detail[0].loc).toEqual(["path", param]);
    }
    await expect(client.threads.get("not-a-uuid")).rejects.toThrow(/^HTTP 422: .*"loc":\["path","thread_id"\]/);
    await client.runs.join(thread.thread_id, run.run_id);
  });
});
