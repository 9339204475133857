/**
 * A `.lambdagraph/` data folder written before custom auth has a threads table without the `by_scope` index. Starting
 * the local server on it adds the index (lib/tables/indexes.ts), keeping every thread, so an owner-filtered search
 * works there.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, describe, expect, it } from "vitest";
import { createDocumentClient } from "../../lib/dynamo/client.js";
import { startEmbeddedDynamo } from "../../lib/dynamo/embedded.js";
import { startLocal, type LocalSystem } from "../../lib/local/start.js";
import { ThreadStore, newThread } from "../../lib/stores/thread-store.js";
import { TABLES, tableNamesWithPrefix } from "../../lib/tables/definitions.js";
import { createTable, describeTable } from "../../lib/tables/table.js";
import { uuid7 } from "../../lib/ids.js";
import { token } from "./scenario.js";

const dataDir = mkdtempSync(join(tmpdir(), "lambdagraph-old-data-"));
let system: LocalSystem | undefined;
afterAll(async () => {
  await system?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The threads table as versions before custom auth created it, holding one thread of alice's. */
async function writeOldData(): Promise<string> {
  const dynamo = await startEmbeddedDynamo({ path: dataDir });
  const client = createDocumentClient({ endpoint: dynamo.endpoint });
  const { threads } = tableNamesWithPrefix("lambdagraph");
  const old = {
    ...TABLES.threads,
    globalIndexes: TABLES.threads.globalIndexes.filter((i) => i.indexName !== "by_scope"),
  };
  await createTable(client, threads, old);
  const thread = newThread(uuid7(), { owner: "alice" });
  await client.send(new PutCommand({ TableName: threads, Item: ThreadStore.toItem(thread) }));
  expect((await describeTable(client, threads))?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual([
    "by_created",
    "by_updated",
  ]);
  client.destroy();
  await dynamo.close();
  return thread.thread_id;
}

describe("custom auth on a data folder from before it", () => {
  it("adds the by_scope index when the server starts: owner-filtered search works, earlier threads stay", async () => {
    const earlier = await writeOldData();
    system = await startLocal({ config: "test/auth/project/langgraph.json", port: 0, host: "127.0.0.1", dataDir });
    const as = async (sub: string) =>
      new Client({
        apiUrl: system!.url,
        defaultHeaders: { authorization: `Bearer ${await token(sub, "runs:write")}` },
      });
    const alice = await as("alice");
    const bob = await as("bob");

    const created = await alice.threads.create({ metadata: { topic: "new" } });
    await bob.threads.create();
    const found = await alice.threads.search({ limit: 10 });
    expect(found.map((t) => t.thread_id)).toEqual([created.thread_id]);
    // The thread written before is still there (it carries no scope, so the owner index does not list it).
    expect((await alice.threads.get(earlier)).metadata).toEqual({ owner: "alice" });
    expect((await bob.threads.search({ limit: 10 })).map((t) => t.thread_id)).not.toContain(created.thread_id);
  }, 60_000);
});
