/**
 * runs.list as the official JS server (@langchain/langgraph-api) answers it, checked side by side with it: a thread's
 * runs oldest first, filtered by status. One deliberate difference: `limit` counts runs from `offset` (the official
 * server slices `[offset, limit)`, so `{offset: 1, limit: 1}` lists nothing there).
 */
import type { Client, Run } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalSystem } from "../../lib/local/start.js";
import { localServer } from "../helpers/sdk.js";

let system: LocalSystem;
let client: Client;

beforeAll(async () => {
  ({ system, client } = await localServer({ config: "test/compat/graphs/streams/langgraph.json" }));
}, 60_000);
afterAll(() => system?.close());

describe("runs.list", () => {
  it("lists a thread's runs oldest first, with limit, offset and status", async () => {
    const thread = await client.threads.create();
    for (const word of ["a", "b", "c"])
      await client.runs.wait(thread.thread_id, "nested", { input: { word }, metadata: { word } });
    const words = (runs: Run[]) => runs.map((r) => r.metadata?.word).join("");
    expect(words(await client.runs.list(thread.thread_id))).toBe("abc");
    expect(words(await client.runs.list(thread.thread_id, { limit: 2 }))).toBe("ab");
    expect(words(await client.runs.list(thread.thread_id, { offset: 1 }))).toBe("bc");
    expect(words(await client.runs.list(thread.thread_id, { offset: 1, limit: 1 }))).toBe("b");
    expect(words(await client.runs.list(thread.thread_id, { status: "success" }))).toBe("abc");
    expect(await client.runs.list(thread.thread_id, { status: "pending" })).toEqual([]);
  });
});
