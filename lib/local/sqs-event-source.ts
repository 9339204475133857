/**
 * A local stand-in for the Lambda SQS event source mapping the stack gives the worker function (infra/platform.ts:
 * batch size 1, ReportBatchItemFailures): pollers long-poll the queue, hand each message to the handler as a
 * real-shaped SQSEvent with a fresh 15-minute invocation context, and delete it unless the handler reported it
 * failed (then it becomes visible again after its visibility timeout, as on AWS). Each poller is one concurrent
 * invocation; a FIFO queue hands out one message of a thread's group at a time, so a thread's runs stay in order.
 */
import { setTimeout as sleep } from "node:timers/promises";
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { invocationContext } from "./lambda-context.js";
import { errorMessage, log } from "../log/log.js";

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export interface SqsEventSourceOptions {
  /** Concurrent invocations (pollers). */
  concurrency: number;
  /** Long polling: how long one ReceiveMessage waits for a message (SQS allows up to 20 s). */
  waitTimeSeconds?: number;
  functionName?: string;
}

export class SqsEventSource {
  private readonly stopping = new AbortController();
  private readonly pollers: Promise<void>[] = [];

  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly handler: SqsHandler,
    private readonly options: SqsEventSourceOptions,
  ) {}

  async start(): Promise<void> {
    const { Attributes } = await this.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: ["QueueArn"] }),
    );
    const queueArn = Attributes?.QueueArn ?? this.queueUrl;
    for (let i = 0; i < this.options.concurrency; i++) this.pollers.push(this.poll(queueArn));
  }

  /** Stops receiving; resolves when the invocations under way have returned. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.pollers);
  }

  private async poll(queueArn: string): Promise<void> {
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      let messages: Message[];
      try {
        const received = await this.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: this.queueUrl,
            MaxNumberOfMessages: 1,
            WaitTimeSeconds: this.options.waitTimeSeconds ?? 20,
            MessageSystemAttributeNames: ["All"],
          }),
          { abortSignal: signal },
        );
        messages = received.Messages ?? [];
      } catch (err) {
        if (signal.aborted) return;
        logError("receiving run messages failed", err);
        await sleep(1_000);
        continue;
      }
      if (messages.length > 0) await this.invoke(messages, queueArn);
    }
  }

  private async invoke(messages: Message[], queueArn: string): Promise<void> {
    const event: SQSEvent = { Records: messages.map((m) => record(m, queueArn)) };
    let failed: Set<string>;
    try {
      const context = invocationContext(this.options.functionName ?? "lambdagraph-worker-local");
      const response = await this.handler(event, context);
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (err) {
      logError("worker invocation failed", err); // the whole batch is retried, as on AWS
      return;
    }
    for (const m of messages) {
      if (failed.has(m.MessageId!)) continue;
      await this.sqs
        .send(new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: m.ReceiptHandle! }))
        .catch((err: unknown) => logError("deleting a run message failed", err));
    }
  }
}

function record(m: Message, queueArn: string): SQSRecord {
  return {
    messageId: m.MessageId!,
    receiptHandle: m.ReceiptHandle!,
    body: m.Body ?? "",
    attributes: (m.Attributes ?? {}) as unknown as SQSRecord["attributes"],
    messageAttributes: {},
    md5OfBody: m.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(":")[3] || "us-east-1",
  };
}

function logError(msg: string, err: unknown): void {
  log.error(msg, { error: errorMessage(err) });
}
