/**
 * Upgrades data written by earlier versions, where reading it would otherwise miss it. Run where tables are
 * ensured (the local server, tests); each step costs one Query when there is nothing to upgrade.
 *
 * Threads listed under the one partition `list_pk = "thread"` (before listings were sharded) move to their
 * listing shard, so sharded listings see them.
 */
import { conditionalWrite } from "../dynamo/conditional.js";
import { UpdateCommand, paginateQuery, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { LEGACY_THREAD_LIST_PK, threadListShard } from "./definitions.js";

/** Moves every thread still listed under the legacy partition to its shard; returns how many moved. */
export async function migrateThreadListing(client: DynamoDBDocumentClient, threadsTable: string): Promise<number> {
  let moved = 0;
  const pages = paginateQuery(
    { client, pageSize: 100 },
    {
      TableName: threadsTable,
      IndexName: "by_created",
      KeyConditionExpression: "list_pk = :legacy",
      ProjectionExpression: "pk, sk",
      ExpressionAttributeValues: { ":legacy": LEGACY_THREAD_LIST_PK },
    },
  );
  for await (const page of pages) {
    await Promise.all(
      (page.Items ?? []).map(async ({ pk, sk }) => {
        const written = await conditionalWrite(() =>
          client.send(
            new UpdateCommand({
              TableName: threadsTable,
              Key: { pk, sk },
              UpdateExpression: "SET list_pk = :shard",
              ConditionExpression: "list_pk = :legacy",
              ExpressionAttributeValues: { ":shard": threadListShard(pk as string), ":legacy": LEGACY_THREAD_LIST_PK },
            }),
          ),
        );
        if (written) moved++; // else moved meanwhile, or deleted
      }),
    );
  }
  return moved;
}
