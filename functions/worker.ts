/**
 * Lambda entry point of the worker: run messages from the SQS queue, and the once-a-minute cron tick from
 * EventBridge Scheduler (`{"lambdagraph": "cron-tick"}`, see infra/platform.ts).
 */
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { CRON_TICK_EVENT, isCronTick } from "../lib/runs/cron-tick.js";
import { handleRunMessages } from "../lib/runs/sqs-batch.js";
import { getPlatform } from "../lib/runtime.js";
import { runDueCrons } from "../lib/services/crons.js";

export { CRON_TICK_EVENT };

export const handler = async (event: SQSEvent | unknown, context: Context): Promise<SQSBatchResponse | { started: number }> => {
  if (isCronTick(event)) {
    const started = await runDueCrons(await getPlatform());
    console.log(JSON.stringify({ level: "info", msg: "cron tick", started: started.length, failed: started.filter((s) => s.error).length }));
    return { started: started.length };
  }
  return handleRunMessages(await getPlatform(), event as SQSEvent, context);
};
