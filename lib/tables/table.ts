/**
 * One table of lib/tables/definitions.ts as the DynamoDB API spells it, created and waited for. Used where tables are
 * ensured (lib/tables/create.ts) and rebuilt (lib/tables/indexes.ts).
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  type TableDescription,
} from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { setTimeout as sleep } from "node:timers/promises";
import type { IndexDefinition, KeyAttribute, TableDefinition } from "./definitions.js";

function keySchema(partition: KeyAttribute, sort?: KeyAttribute): KeySchemaElement[] {
  const schema: KeySchemaElement[] = [{ AttributeName: partition.name, KeyType: "HASH" }];
  if (sort) schema.push({ AttributeName: sort.name, KeyType: "RANGE" });
  return schema;
}

export function globalIndex(index: IndexDefinition): GlobalSecondaryIndex {
  return {
    IndexName: index.indexName,
    KeySchema: keySchema(index.partitionKey, index.sortKey),
    Projection: { ProjectionType: "ALL" },
  };
}

/** Every key attribute of the table and its indexes. */
export function attributeDefinitions(def: TableDefinition): AttributeDefinition[] {
  const attributes = new Map<string, AttributeDefinition>();
  const add = (a?: KeyAttribute) => a && attributes.set(a.name, { AttributeName: a.name, AttributeType: a.type });
  add(def.partitionKey);
  add(def.sortKey);
  for (const index of def.globalIndexes) {
    add(index.partitionKey);
    add(index.sortKey);
  }
  return [...attributes.values()];
}

/** Creates `TableName` with `def`'s keys, indexes and TTL, and returns once it is ACTIVE. */
export async function createTable(client: DynamoDBDocumentClient, TableName: string, def: TableDefinition) {
  await client.send(
    new CreateTableCommand({
      TableName,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: attributeDefinitions(def),
      KeySchema: keySchema(def.partitionKey, def.sortKey),
      GlobalSecondaryIndexes: def.globalIndexes.length ? def.globalIndexes.map(globalIndex) : undefined,
    }),
  );
  await untilActive(client, TableName);
  if (def.ttlAttribute) await enableTtl(client, TableName, def.ttlAttribute);
}

/** The table's description, or undefined when there is no such table. */
export async function describeTable(
  client: DynamoDBDocumentClient,
  TableName: string,
): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName }))).Table;
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return undefined;
    throw err;
  }
}

/**
 * Returns once the table and its indexes are ACTIVE (dynalite: the next timer turn; DynamoDB: seconds for a new
 * table, minutes for a new index over many items), or once it is gone when `gone` is asked for.
 */
export async function untilActive(client: DynamoDBDocumentClient, TableName: string, gone = false): Promise<void> {
  for (let delayMs = 5; ; delayMs = Math.min(delayMs * 2, 1_000)) {
    const table = await describeTable(client, TableName);
    if (gone ? !table : isActive(table)) return;
    await sleep(delayMs);
  }
}

function isActive(table: TableDescription | undefined): boolean {
  return (
    table?.TableStatus === "ACTIVE" && (table.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === "ACTIVE")
  );
}

/**
 * Turns on DynamoDB TTL, as the CDK stack does, where the emulator knows the action (Amazon's DynamoDB Local does;
 * dynalite answers UnknownOperationException). Neither deletes expired items on time, so readers ignore them anyway.
 */
async function enableTtl(client: DynamoDBDocumentClient, TableName: string, AttributeName: string): Promise<void> {
  try {
    await client.send(
      new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { AttributeName, Enabled: true } }),
    );
  } catch (err) {
    if ((err as { name?: string }).name !== "UnknownOperationException") throw err;
  }
}
