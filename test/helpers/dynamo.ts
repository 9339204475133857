import { randomUUID } from "node:crypto";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient } from "../../lib/dynamo/client.js";
import { startEmbeddedDynamo, type EmbeddedDynamo } from "../../lib/dynamo/embedded.js";
import { ensureTables } from "../../lib/tables/create.js";
import { tableNamesWithPrefix, type TableNames } from "../../lib/tables/definitions.js";

export interface TestDynamo {
  server: EmbeddedDynamo;
  endpoint: string;
  client: DynamoDBDocumentClient;
  /** A fresh client to the same server, as another Lambda would have. */
  newClient(): DynamoDBDocumentClient;
  /** A fresh, isolated set of the project's tables. */
  freshTables(): Promise<TableNames>;
  close(): Promise<void>;
}

/** One in-memory embedded DynamoDB per test file; each `freshTables()` gives isolated tables on it. */
export async function startTestDynamo(): Promise<TestDynamo> {
  const server = await startEmbeddedDynamo();
  const client = createDocumentClient({ endpoint: server.endpoint });
  return {
    server,
    endpoint: server.endpoint,
    client,
    newClient: () => createDocumentClient({ endpoint: server.endpoint }),
    async freshTables() {
      const names = tableNamesWithPrefix(`t${randomUUID().slice(0, 8)}`);
      await ensureTables(client, names);
      return names;
    },
    async close() {
      client.destroy();
      await server.close();
    },
  };
}
