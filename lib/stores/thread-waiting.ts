/**
 * Waiting marks on a thread item: a run that waits in line for a busy thread (multitask strategies other than
 * "reject") adds a mark before it tries to take the thread, and the run that frees the thread reads the marks in the
 * same write (ThreadStore.release). Only then does it look for pending runs (lib/runs/lifecycle.ts promoteNext): a
 * run that ends on a thread nobody waits for makes no Query. The marks are a count, cleared once no run is found
 * waiting, conditionally on the count read, so a mark added meanwhile is kept.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { conditionalWrite } from "../dynamo/conditional.js";
import { THREAD_SK } from "./thread-item.js";

/** The thread item's attribute counting the marks. */
export const WAITING = "waiting_marks";

const SK = THREAD_SK;

/** A thread a run freed: the marks of runs that waited in line for it, and the `updated_at` the release wrote. */
export interface Released {
  waitingMarks: number;
  updatedAt: string;
}

export async function markWaiting(client: DynamoDBDocumentClient, table: string, threadId: string): Promise<void> {
  await conditionalWrite(() =>
    client.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: threadId, sk: SK },
        UpdateExpression: "ADD #w :one",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#w": WAITING },
        ExpressionAttributeValues: { ":one": 1 },
      }),
    ),
  );
}

export async function clearWaiting(
  client: DynamoDBDocumentClient,
  table: string,
  threadId: string,
  marks: number,
): Promise<void> {
  await conditionalWrite(() =>
    client.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: threadId, sk: SK },
        UpdateExpression: "REMOVE #w",
        ConditionExpression: "#w = :marks",
        ExpressionAttributeNames: { "#w": WAITING },
        ExpressionAttributeValues: { ":marks": marks },
      }),
    ),
  );
}
