/**
 * Tables created by an earlier version gain the indexes defined since (lib/tables/indexes.ts) when tables are ensured:
 * in place where the engine builds indexes (DynamoDB Local, LAMBDAGRAPH_TEST_DYNAMO=local), by a rebuild on dynalite,
 * keeping every item either way.
 */
import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ThreadStore, newThread } from "../../lib/stores/thread-store.js";
import { ensureTables } from "../../lib/tables/create.js";
import { TABLES, tableNamesWithPrefix } from "../../lib/tables/definitions.js";
import { createTable, describeTable } from "../../lib/tables/table.js";
import { uuid7 } from "../../lib/ids.js";
import { startTestDynamo, type TestDynamo } from "../helpers/dynamo.js";

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
}, 120_000);
afterAll(async () => dynamo?.close());

const oldThreads = {
  ...TABLES.threads,
  globalIndexes: TABLES.threads.globalIndexes.filter((i) => i.indexName !== "by_scope"),
};
const indexNames = async (table: string) =>
  ((await describeTable(dynamo.client, table))?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName).sort();

async function putThreads(table: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const thread = { ...newThread(uuid7(), { owner: "alice", n }), auth_scope: `owner=alice` };
    await dynamo.client.send(new PutCommand({ TableName: table, Item: ThreadStore.toItem(thread) }));
    ids.push(thread.thread_id);
  }
  return ids;
}

const scoped = async (table: string) =>
  (
    await dynamo.client.send(
      new QueryCommand({
        TableName: table,
        IndexName: "by_scope",
        KeyConditionExpression: "auth_scope = :s",
        ExpressionAttributeValues: { ":s": "owner=alice" },
      }),
    )
  ).Items?.length;

describe("indexes added to existing tables", () => {
  it("adds by_scope to a threads table created without it, keeping and indexing its items", async () => {
    const names = tableNamesWithPrefix(`old${uuid7().slice(-8)}`);
    await createTable(dynamo.client, names.threads, oldThreads);
    await putThreads(names.threads, 130);
    await ensureTables(dynamo.client, names);
    expect(await indexNames(names.threads)).toEqual(["by_created", "by_scope", "by_updated"]);
    expect(await scoped(names.threads)).toBe(130);
    await ensureTables(dynamo.client, names); // nothing left to do
    expect(await scoped(names.threads)).toBe(130);
  }, 120_000);

  it("finishes a rebuild a crash interrupted after the table was recreated", async () => {
    const names = tableNamesWithPrefix(`crash${uuid7().slice(-8)}`);
    const rebuild = `${names.threads}-rebuild`;
    await createTable(dynamo.client, rebuild, TABLES.threads);
    await putThreads(rebuild, 30); // the copy; the recreated table is still empty
    await createTable(dynamo.client, names.threads, TABLES.threads);
    await ensureTables(dynamo.client, names);
    expect(await scoped(names.threads)).toBe(30);
    expect(await describeTable(dynamo.client, rebuild)).toBeUndefined();
  }, 120_000);
});
