/**
 * A run whose own write fails (issue 13: DynamoDB refuses it, the table is unavailable) answers an error and leaves
 * nothing taken: its thread takes the next run at once (not 409 for the next 30 s), and a stateless run leaves no
 * temporary thread behind. The failure is real: the runs table is deleted under the running system, then made again.
 */
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import type { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalSystem } from "../../lib/local/start.js";
import { ensureTables } from "../../lib/tables/create.js";
import { tableNamesWithPrefix } from "../../lib/tables/definitions.js";
import { httpStatus, localServer } from "../helpers/sdk.js";

let system: LocalSystem;
let client: Client;
const tables = tableNamesWithPrefix("lambdagraph");

beforeAll(async () => {
  ({ system, client } = await localServer({ config: "test/compat/graphs/threads/langgraph.json" }));
}, 60_000);
afterAll(() => system?.close());

describe("a run that cannot be stored", () => {
  it("frees its thread at once and leaves no stateless thread behind", async () => {
    const thread = await client.threads.create();
    const threadsBefore = await client.threads.count();
    await system.platform.client.send(new DeleteTableCommand({ TableName: tables.runs }));
    try {
      expect(await httpStatus(client.runs.create(thread.thread_id, "approval", { input: { question: "a" } }))).toBe(
        500,
      );
      expect(await httpStatus(client.runs.create(null, "approval", { input: { question: "b" } }))).toBe(500);
      expect((await client.threads.get(thread.thread_id)).status).toBe("idle");
      expect(await client.threads.count()).toBe(threadsBefore);
    } finally {
      await ensureTables(system.platform.client, tables);
    }
    // The next run is taken (not refused as busy) and runs.
    const answer = await client.runs.wait(thread.thread_id, "approval", { input: { question: "c" } });
    expect(answer).toHaveProperty("__interrupt__");
  });
});
