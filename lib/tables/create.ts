import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type KeySchemaElement,
} from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { TABLES, TABLE_IDS, type KeyAttribute, type TableNames } from "./definitions.js";
import { migrateThreadListing } from "./migrate.js";

function keySchema(partition: KeyAttribute, sort?: KeyAttribute): KeySchemaElement[] {
  const schema: KeySchemaElement[] = [{ AttributeName: partition.name, KeyType: "HASH" }];
  if (sort) schema.push({ AttributeName: sort.name, KeyType: "RANGE" });
  return schema;
}

/**
 * Creates any of the project's tables that don't exist yet, from lib/tables/definitions.ts, and upgrades the data of
 * those that did (lib/tables/migrate.ts). Used for the embedded server and tests; on AWS the CDK stack creates the
 * same tables.
 */
export async function ensureTables(client: DynamoDBDocumentClient, names: TableNames): Promise<void> {
  await createMissing(client, names);
  await migrateThreadListing(client, names.threads);
}

async function createMissing(client: DynamoDBDocumentClient, names: TableNames): Promise<void> {
  await Promise.all(
    TABLE_IDS.map(async (id) => {
      const def = TABLES[id];
      const TableName = names[id];
      try {
        await client.send(new DescribeTableCommand({ TableName }));
        return;
      } catch (err) {
        if (!(err instanceof ResourceNotFoundException)) throw err;
      }
      const attributes = new Map<string, AttributeDefinition>();
      const add = (a?: KeyAttribute) => a && attributes.set(a.name, { AttributeName: a.name, AttributeType: a.type });
      add(def.partitionKey);
      add(def.sortKey);
      for (const index of def.globalIndexes) {
        add(index.partitionKey);
        add(index.sortKey);
      }
      await client.send(
        new CreateTableCommand({
          TableName,
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: [...attributes.values()],
          KeySchema: keySchema(def.partitionKey, def.sortKey),
          GlobalSecondaryIndexes: def.globalIndexes.length
            ? def.globalIndexes.map((index) => ({
                IndexName: index.indexName,
                KeySchema: keySchema(index.partitionKey, index.sortKey),
                Projection: { ProjectionType: "ALL" },
              }))
            : undefined,
        }),
      );
      await untilActive(client, TableName);
      if (def.ttlAttribute) await enableTtl(client, TableName, def.ttlAttribute);
    }),
  );
}

/** A new table answers reads and writes once ACTIVE (dynalite: the next timer turn; DynamoDB: seconds). */
async function untilActive(client: DynamoDBDocumentClient, TableName: string): Promise<void> {
  for (let delayMs = 5; ; delayMs = Math.min(delayMs * 2, 1_000)) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName }));
    if (Table?.TableStatus === "ACTIVE") return;
    await new Promise((r) => setTimeout(r, delayMs));
  }
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
