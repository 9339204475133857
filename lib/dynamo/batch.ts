import { setTimeout as sleep } from "node:timers/promises";
import { BatchWriteCommand, paginateQuery, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

type WriteRequest =
  { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

const BATCH_SIZE = 25;
const MAX_ATTEMPTS = 8;

/**
 * Writes (puts and deletes) in batches of 25, retrying unprocessed items with backoff until all are written.
 * Batches run one after another so callers keep their write order across batches.
 */
export async function batchWrite(
  client: DynamoDBDocumentClient,
  table: string,
  requests: WriteRequest[],
): Promise<void> {
  for (let i = 0; i < requests.length; i += BATCH_SIZE) {
    let pending = requests.slice(i, i + BATCH_SIZE);
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MAX_ATTEMPTS) {
        throw new Error(
          `BatchWriteItem on ${table}: ${pending.length} items still unprocessed after ${MAX_ATTEMPTS} attempts`,
        );
      }
      if (attempt > 1) await sleep(Math.min(1000, 25 * 2 ** attempt));
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (result.UnprocessedItems?.[table] as WriteRequest[] | undefined) ?? [];
    }
  }
}

/** The keys of every item under one partition key (for deleting a run's events or an assistant's versions). */
export async function partitionKeys(
  client: DynamoDBDocumentClient,
  table: string,
  pk: string,
): Promise<{ pk: string; sk: string }[]> {
  const keys: { pk: string; sk: string }[] = [];
  const pages = paginateQuery(
    { client },
    {
      TableName: table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": pk },
      ProjectionExpression: "pk, sk",
    },
  );
  for await (const page of pages) for (const item of page.Items ?? []) keys.push({ pk: item.pk, sk: item.sk });
  return keys;
}
