/** Lambda entry point of the worker: run messages from the SQS queue. */
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { handleRunMessages } from "../lib/runs/sqs-batch.js";
import { getPlatform } from "../lib/runtime.js";

export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  handleRunMessages(await getPlatform(), event, context);
