import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { TABLES, TABLE_IDS, type TableNames } from "./definitions.js";
import { addMissingIndexes } from "./indexes.js";
import { migrateThreadListing } from "./migrate.js";
import { createTable, describeTable } from "./table.js";

/**
 * Creates any of the project's tables that don't exist yet, from lib/tables/definitions.ts, adds the indexes defined
 * since a table was created (lib/tables/indexes.ts), and upgrades the data of those that did (lib/tables/migrate.ts).
 * Used for the embedded server and tests; on AWS the CDK stack creates the same tables.
 */
export async function ensureTables(client: DynamoDBDocumentClient, names: TableNames): Promise<void> {
  await createMissing(client, names);
  await addMissingIndexes(client, names);
  await migrateThreadListing(client, names.threads);
}

async function createMissing(client: DynamoDBDocumentClient, names: TableNames): Promise<void> {
  await Promise.all(
    TABLE_IDS.map(async (id) => {
      if (!(await describeTable(client, names[id]))) await createTable(client, names[id], TABLES[id]);
    }),
  );
}
