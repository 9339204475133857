/**
 * The worker Lambda's work: a batch of run messages from the SQS event source. Messages are handled in order;
 * the response names only the messages that failed (ReportBatchItemFailures), so SQS retries just those. On a
 * FIFO queue a failure also fails every later message of the batch, which keeps each thread's order.
 */
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { z } from "zod";
import type { Platform } from "../platform.js";
import { executeRun } from "./worker.js";
import { errorMessage, log } from "../log/log.js";

const RunMessageBody = z.object({
  run_id: z.string().min(1),
  thread_id: z.string().min(1),
  attempt: z.number().int().optional(),
  not_before: z.number().optional(),
});

export async function handleRunMessages(
  p: Platform,
  event: SQSEvent,
  context: Pick<Context, "getRemainingTimeInMillis">,
): Promise<SQSBatchResponse> {
  const failures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    if (failures.length > 0 && record.eventSourceARN?.endsWith(".fifo")) {
      failures.push({ itemIdentifier: record.messageId });
      continue;
    }
    try {
      const message = RunMessageBody.parse(JSON.parse(record.body));
      await executeRun(p, message, { remainingMs: () => context.getRemainingTimeInMillis() });
    } catch (err) {
      log.error("run message failed", { messageId: record.messageId, error: errorMessage(err) });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}
