/**
 * How the SDK's `threads.joinStream` carries on when a thread stream ends, against our server: on a cut connection
 * it reconnects by itself with Last-Event-ID, and gets exactly the events after that id; on a clean end (what the
 * server does before the Lambda function's timeout) it stops, and calling it again with the last id it yielded
 * gets exactly the rest. The cut and the end are made by the client's fetch, after the stream's first few events.
 */
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localServer } from "../helpers/sdk.js";

let server: Awaited<ReturnType<typeof localServer>>;
let threadId: string;
let everything: string[];

beforeAll(async () => {
  server = await localServer({ cronTickMs: 0 });
  threadId = (await server.client.threads.create()).thread_id;
  await server.client.runs.wait(threadId, "simple", { input: { count: 1 } });
  await server.client.runs.wait(threadId, "simple", { input: { count: 2 } });
  everything = await read(server.client, "-", 10);
  expect(everything.filter((id) => id.startsWith("run_done@"))).toHaveLength(2);
}, 60_000);
afterAll(async () => server?.system.close());

/** A fetch whose first thread-stream response stops after its first `bytes` bytes: closed cleanly, or cut. */
function stoppingFetch(how: "end" | "cut", bytes: number) {
  let first = true;
  const lastEventIds: (string | null)[] = [];
  const stopping = async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    if (url.includes("/stream")) lastEventIds.push(new Headers(init?.headers).get("last-event-id"));
    const response = await fetch(input, init);
    if (!url.includes("/stream") || !first) return response;
    first = false;
    const reader = response.body!.getReader();
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done || sent >= bytes) {
          void reader.cancel();
          if (how === "end") controller.close();
          else controller.error(new TypeError("terminated"));
          return;
        }
        sent += value.length;
        controller.enqueue(value);
      },
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return { fetch: stopping as typeof fetch, lastEventIds };
}

/** The parts joinStream yields (`event@id`) until `count` of them, or until it stops. */
async function read(client: Client, lastEventId: string, count: number): Promise<string[]> {
  const parts: string[] = [];
  const abort = new AbortController();
  for await (const part of client.threads.joinStream(threadId, { lastEventId, signal: abort.signal } as never)) {
    parts.push(`${part.event}@${(part as { id?: string }).id}`);
    if (parts.length === count) abort.abort();
  }
  return parts;
}

describe("joinStream after a thread stream stops", () => {
  it("a cut connection: the SDK reconnects with Last-Event-ID and gets each event once", async () => {
    const stopping = stoppingFetch("cut", 200);
    const client = new Client({ apiUrl: server.system.url, callerOptions: { fetch: stopping.fetch } });
    const parts = await read(client, "-", everything.length).catch((err) => {
      if ((err as Error).name !== "AbortError") throw err;
      return [];
    });
    expect(stopping.lastEventIds).toHaveLength(2);
    expect(stopping.lastEventIds[1]).toMatch(/^[0-9a-f-]{36}:\d+$/);
    expect(parts).toEqual(everything);
  }, 60_000);

  it("a clean end: the SDK stops; joining again with the last id gets exactly the rest", async () => {
    const stopping = stoppingFetch("end", 200);
    const client = new Client({ apiUrl: server.system.url, callerOptions: { fetch: stopping.fetch } });
    const before = await read(client, "-", everything.length);
    expect(stopping.lastEventIds).toHaveLength(1);
    expect(before.length).toBeGreaterThan(0);
    expect(before.length).toBeLessThan(everything.length);
    const lastId = before.at(-1)!.split("@")[1];
    const rest = await read(server.client, lastId, everything.length - before.length);
    expect([...before, ...rest]).toEqual(everything);
  }, 60_000);
});
