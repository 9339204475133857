/**
 * Assistants as the official JS server (@langchain/langgraph-api) answers them, checked side by side with it. Driven
 * through the SDK against the real local system.
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

describe("assistants.delete", () => {
  it("answers the deleted assistant's id in a list, as the official server does", async () => {
    const assistant = await client.assistants.create({ graphId: "nested" });
    expect(await client.assistants.delete(assistant.assistant_id)).toEqual([assistant.assistant_id]);
    const res = await fetch(
      `${system.url}/assistants/${(await client.assistants.create({ graphId: "nested" })).assistant_id}`,
      {
        method: "DELETE",
      },
    );
    expect(res.status).toBe(200);
  });
});
