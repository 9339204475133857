import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";

/**
 * What the Lambda event source mapping does, in small: receive a batch, hand it to the worker handler as a
 * real-shaped SQSEvent, delete the messages it did not report as failed (the rest become visible again).
 * Returns how many messages were received.
 */
export async function pumpOnce(
  client: SQSClient,
  queueUrl: string,
  queueArn: string,
  handler: (event: SQSEvent) => Promise<SQSBatchResponse>,
): Promise<number> {
  const received = await client.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ["All"],
    }),
  );
  const messages = received.Messages ?? [];
  if (messages.length === 0) return 0;
  const event: SQSEvent = {
    Records: messages.map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body!,
      attributes: m.Attributes as never,
      messageAttributes: {},
      md5OfBody: m.MD5OfBody!,
      eventSource: "aws:sqs",
      eventSourceARN: queueArn,
      awsRegion: "us-east-1",
    })),
  };
  const { batchItemFailures } = await handler(event);
  const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
  const done = messages.filter((m) => !failed.has(m.MessageId!));
  if (done.length > 0) {
    await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
  return messages.length;
}
