/**
 * The worker function's process under `npm start -- --topology aws` (lib/local/aws-topology.ts starts it): the exact
 * handler of functions/worker.ts, configured only by the environment the stack sets, fed by a stand-in for the SQS
 * event source mapping (batch size 1, long polling) and for the once-a-minute EventBridge schedule (cron tick and
 * run sweep). SIGTERM or SIGINT: stop receiving, let the invocations under way return, exit.
 */
import { SQSClient } from "@aws-sdk/client-sqs";
import { ENV } from "../config/env.js";
import { CRON_TICK_EVENT } from "../runs/cron-tick.js";
import { invocationContext } from "./lambda-context.js";
import { SqsEventSource, type SqsHandler } from "./sqs-event-source.js";
import { log } from "../log/log.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** Concurrent worker invocations (Lambda scales the event source up to one per message group; here, this many). */
const CONCURRENCY = 8;
/** The stack's EventBridge schedule: rate(1 minute); the one argument, JSON, may say otherwise (tests). */
const TICK_MS = (JSON.parse(process.argv[2] ?? "{}") as { tickMs?: number }).tickMs ?? 60_000;

const queueUrl = process.env[ENV.runQueueUrl];
if (!queueUrl) throw new Error(`worker process: ${ENV.runQueueUrl} is not set`);
const { handler } = await import("../../functions/worker.js");
const tick = () =>
  handler(CRON_TICK_EVENT, invocationContext("lambdagraph-worker-local")).catch((err: unknown) =>
    log.error("cron tick failed", { error: String(err) }),
  );
await tick(); // a cold start here, not on the first run; and runs whose lease ran out are taken up at once

const sqs = new SQSClient(process.env[ENV.sqsEndpoint] ? { endpoint: process.env[ENV.sqsEndpoint] } : {});
const source = new SqsEventSource(sqs, queueUrl, handler as SqsHandler, { concurrency: CONCURRENCY });
await source.start();
const timer = setInterval(() => void tick(), TICK_MS);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  clearInterval(timer);
  await source.stop();
  sqs.destroy();
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
process.send?.({ ready: true });
