/**
 * The run queue on AWS: an SQS FIFO queue. Messages of one thread share a MessageGroupId (the thread id), so
 * SQS hands them out one at a time, in order; the deduplication id (run id + attempt) makes a retried send
 * harmless. The worker Lambda consumes it through an SQS event source (functions/worker.ts).
 *
 * A message the sweep sends again (`redispatch`) goes in a group of its own: a worker that died leaves its message
 * in flight until the visibility timeout (6 × the function timeout), and that message blocks its thread's group.
 * Its late redelivery is a no-op (the run is claimed, or finished, by then).
 */
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { RunMessage, RunQueue } from "./queue.js";

export class SqsQueue implements RunQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(message: RunMessage): Promise<void> {
    await this.client.send(new SendMessageCommand(sqsMessage(this.queueUrl, message)));
  }
}

/** The SendMessage input for a run message (exported so tests can check its shape without SQS). */
export function sqsMessage(queueUrl: string, message: RunMessage) {
  const fifo = queueUrl.endsWith(".fifo");
  const ownGroup = `sweep:${message.run_id}:${Date.now()}`;
  return {
    QueueUrl: queueUrl,
    MessageBody: JSON.stringify({
      run_id: message.run_id,
      thread_id: message.thread_id,
      attempt: message.attempt ?? 0,
      not_before: message.not_before,
    }),
    ...(fifo && message.redispatch
      ? { MessageGroupId: ownGroup, MessageDeduplicationId: ownGroup }
      : fifo
        ? { MessageGroupId: message.thread_id, MessageDeduplicationId: `${message.run_id}:${message.attempt ?? 0}` }
        : {}),
  };
}
