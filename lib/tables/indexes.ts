/**
 * Adds the global indexes defined in lib/tables/definitions.ts since a table was created (e.g. `by_scope` on threads)
 * to the local tables of a data folder written by an earlier version, so queries on them don't fail there. On AWS the
 * CDK stack adds them.
 *
 * DynamoDB (and DynamoDB Local) add an index to a table in place: UpdateTable, one index at a time, backfilled by the
 * service until the index is ACTIVE. dynalite validates that request but does not build the index, so there the table
 * is rebuilt: copied to `<name>-rebuild`, recreated with every index, copied back. A crash midway leaves
 * `<name>-rebuild` behind, which the next start resolves: if the table already has its new shape the copy is complete
 * and goes back; otherwise the table still holds everything and the rebuild starts over.
 */
import {
  BatchWriteItemCommand,
  DeleteTableCommand,
  ScanCommand,
  UpdateTableCommand,
  type AttributeValue,
  type TableDescription,
} from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { setTimeout as sleep } from "node:timers/promises";
import { TABLES, TABLE_IDS, type TableDefinition, type TableNames } from "./definitions.js";
import { attributeDefinitions, createTable, describeTable, globalIndex, untilActive } from "./table.js";

export async function addMissingIndexes(client: DynamoDBDocumentClient, names: TableNames): Promise<void> {
  await Promise.all(TABLE_IDS.map((id) => upgradeTable(client, names[id], TABLES[id])));
}

async function upgradeTable(client: DynamoDBDocumentClient, TableName: string, def: TableDefinition): Promise<void> {
  const rebuild = `${TableName}-rebuild`;
  const leftover = await describeTable(client, rebuild);
  let table = await describeTable(client, TableName);
  if (leftover) {
    if (missingIndexes(table, def).length === 0) await copyItems(client, rebuild, TableName);
    await dropTable(client, rebuild);
  }
  for (const index of missingIndexes(table, def)) {
    if (!(await createIndexInPlace(client, TableName, def, index))) return rebuildTable(client, TableName, def);
    table = await describeTable(client, TableName);
  }
}

function missingIndexes(table: TableDescription | undefined, def: TableDefinition) {
  const present = new Set((table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  return def.globalIndexes.filter((i) => !present.has(i.indexName));
}

/** UpdateTable creating one index, then waits until it is ACTIVE; false where the emulator does not build it. */
async function createIndexInPlace(
  client: DynamoDBDocumentClient,
  TableName: string,
  def: TableDefinition,
  index: TableDefinition["globalIndexes"][number],
): Promise<boolean> {
  try {
    await client.send(
      new UpdateTableCommand({
        TableName,
        AttributeDefinitions: attributeDefinitions(def),
        GlobalSecondaryIndexUpdates: [{ Create: globalIndex(index) }],
      }),
    );
  } catch (err) {
    // dynalite requires ProvisionedThroughput on the new index, and would not build it anyway.
    if ((err as { name?: string }).name === "ValidationException") return false;
    throw err;
  }
  await untilActive(client, TableName);
  const table = await describeTable(client, TableName);
  return (table?.GlobalSecondaryIndexes ?? []).some((i) => i.IndexName === index.indexName);
}

async function rebuildTable(client: DynamoDBDocumentClient, TableName: string, def: TableDefinition): Promise<void> {
  const rebuild = `${TableName}-rebuild`;
  await createTable(client, rebuild, def);
  await copyItems(client, TableName, rebuild);
  await dropTable(client, TableName);
  await createTable(client, TableName, def);
  await copyItems(client, rebuild, TableName);
  await dropTable(client, rebuild);
}

async function dropTable(client: DynamoDBDocumentClient, TableName: string): Promise<void> {
  await client.send(new DeleteTableCommand({ TableName }));
  await untilActive(client, TableName, true);
}

/** Copies every item of `from` into `to`, as stored (raw attribute values, no conversion). */
async function copyItems(client: DynamoDBDocumentClient, from: string, to: string): Promise<void> {
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: from, ExclusiveStartKey, Limit: 100 }));
    const items = page.Items ?? [];
    for (let i = 0; i < items.length; i += 25) {
      let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 0) await sleep(Math.min(50 * 2 ** attempt, 2_000));
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [to]: requests } }));
        requests = (out.UnprocessedItems?.[to] ?? []).filter((r) => r.PutRequest?.Item) as typeof requests;
      }
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}
