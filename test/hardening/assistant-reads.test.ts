/**
 * Assistants read their writes (issue 13): every read of an assistant by id — the assistant, one version, its
 * versions — asks DynamoDB for a strongly consistent read, so a client (or a worker in another Lambda) that was just
 * told an assistant was created or updated never gets a 404 or the version before. Both emulators always read
 * consistently, so the test checks what is asked of DynamoDB, on every request the store sends.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AssistantStore } from "../../lib/stores/assistant-store.js";
import { startTestDynamo, type TestDynamo } from "../helpers/dynamo.js";

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});

describe("assistant reads by id", () => {
  it("are strongly consistent: get, getVersion and versions", async () => {
    const tables = await dynamo.freshTables();
    const client = dynamo.newClient();
    const reads: { operation: string; consistent: unknown; index: unknown }[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { ConsistentRead?: unknown; IndexName?: unknown };
        if (/^(Get|Query|BatchGet)/.test(String(context.commandName)))
          reads.push({
            operation: String(context.commandName),
            consistent: input.ConsistentRead,
            index: input.IndexName,
          });
        return next(args);
      },
      { step: "initialize", name: "recordReads" },
    );
    const store = new AssistantStore(client, tables.assistants);
    const now = new Date().toISOString();
    const assistant = {
      assistant_id: "6f1c4a52-3f1e-4f57-9d2c-2f3b8a1b9c01",
      graph_id: "agent",
      config: {},
      context: {},
      metadata: {},
      name: "a",
      description: null,
      version: 1,
      created_at: now,
      updated_at: now,
    };
    expect(await store.create(assistant)).toBe(true);
    expect((await store.get(assistant.assistant_id))?.name).toBe("a");
    expect((await store.getVersion(assistant.assistant_id, 1))?.version).toBe(1);
    expect((await store.versions(assistant.assistant_id)).length).toBe(1);
    const byId = reads.filter((r) => r.index === undefined);
    expect(byId.length).toBeGreaterThanOrEqual(3);
    expect(byId.filter((r) => r.consistent !== true)).toEqual([]);
  });
});
