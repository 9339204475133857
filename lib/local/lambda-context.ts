/**
 * The `context` argument a Lambda handler gets, for the local stand-ins of the Lambda runtime (the function URL
 * front end in http-server.ts, the SQS event source in sqs-event-source.ts): an invocation of a function whose
 * timeout is 15 minutes, counted from the call, as the stack deploys both functions.
 */
import { randomUUID } from "node:crypto";
import type { Context } from "aws-lambda";

/** The deployed functions' timeout (infra/platform.ts): the most Lambda allows. */
export const FUNCTION_TIMEOUT_MS = 15 * 60_000;

export function invocationContext(functionName: string, timeoutMs = FUNCTION_TIMEOUT_MS): Context {
  const started = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: "1024",
    awsRequestId: randomUUID(),
    logGroupName: "local",
    logStreamName: "local",
    getRemainingTimeInMillis: () => timeoutMs - (Date.now() - started),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
