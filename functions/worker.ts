/**
 * Lambda entry point of the worker: run messages from the SQS queue, and the once-a-minute tick from EventBridge
 * Scheduler (`{"lambdagraph": "cron-tick"}`, see infra/platform.ts), which starts due crons and sweeps runs whose
 * lease ran out (lib/runs/sweep.ts): a run whose worker crashed resumes from its checkpoint within about two minutes.
 */
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { CRON_TICK_EVENT, isCronTick } from "../lib/runs/cron-tick.js";
import { handleRunMessages } from "../lib/runs/sqs-batch.js";
import { sweepRuns } from "../lib/runs/sweep.js";
import { getPlatform } from "../lib/runtime.js";
import { runDueCrons } from "../lib/services/crons.js";
import { errorMessage, log } from "../lib/log/log.js";

export { CRON_TICK_EVENT };

export const handler = async (
  event: SQSEvent | unknown,
  context: Context,
): Promise<SQSBatchResponse | { started: number }> => {
  if (isCronTick(event)) {
    const platform = await getPlatform();
    // The sweep first: it is quick (one Query per lease shard when nothing expired), and crons may take a while.
    const swept = await sweepRuns(platform).catch((err: unknown) => {
      log.error("run sweep failed", { error: errorMessage(err) });
      return undefined;
    });
    if (swept) log.info("run sweep", { ...swept });
    const started = await runDueCrons(platform);
    log.info("cron tick", { started: started.length, failed: started.filter((s) => s.error).length });
    return { started: started.length };
  }
  return handleRunMessages(await getPlatform(), event as SQSEvent, context);
};
