/**
 * A project's two Lambda bundles as `cdk deploy` ships them (infra/build.ts, the construct's esbuild settings),
 * running in this process as two functions sharing only DynamoDB and the run queue: the API handler behind the local
 * function URL front end (lib/local/http-server.ts), the worker handler fed by the stand-in SQS event source from an
 * SQS FIFO emulator (fauxqs). Configured only by the environment the stack sets. Build once per test file.
 */
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { Context, LambdaFunctionURLEvent, StreamifyHandler } from "aws-lambda";
import { startFauxqs } from "fauxqs";
import { pathToFileURL } from "node:url";
import { buildFunctions } from "../../infra/build.js";
import { ENV } from "../../lib/config/env.js";
import { functionEnvironment } from "../../lib/config/function-env.js";
import { startLocalServer } from "../../lib/local/http-server.js";
import { invocationContext } from "../../lib/local/lambda-context.js";
import { SqsEventSource, type SqsHandler } from "../../lib/local/sqs-event-source.js";
import { CRON_TICK_EVENT } from "../../lib/runs/cron-tick.js";
import { installAwslambdaGlobal } from "../../lib/local/streamify-shim.js";
import { tableNamesToEnv } from "../../lib/tables/definitions.js";
import { startTestDynamo } from "./dynamo.js";

export interface BundledSystem {
  url: string;
  /** The worker's once-a-minute tick (due crons, the run sweep), now. */
  tick(): Promise<unknown>;
  close(): Promise<void>;
}

const LOCAL_AWS_ENV = { AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local" };

/** `outDir` under the project (the bundles' external @aws-sdk imports resolve from its node_modules). */
export async function startBundledSystem(config: string, outDir: string): Promise<BundledSystem> {
  const built = await buildFunctions(config, outDir);
  const dynamo = await startTestDynamo();
  const tables = await dynamo.freshTables();
  const sqsServer = await startFauxqs({ port: 0, host: "127.0.0.1", logger: false });
  const sqs = new SQSClient({
    endpoint: sqsServer.address,
    region: LOCAL_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: "lambdagraph-runs.fifo",
      Attributes: { FifoQueue: "true", ContentBasedDeduplication: "false", DeduplicationScope: "messageGroup" },
    }),
  );
  const saved = { ...process.env };
  Object.assign(
    process.env,
    LOCAL_AWS_ENV,
    functionEnvironment({ tables: tableNamesToEnv(tables), runQueueUrl: QueueUrl! }),
    {
      [ENV.dynamoEndpoint]: dynamo.endpoint,
      [ENV.sqsEndpoint]: sqsServer.address,
    },
  );
  delete process.env[ENV.apiKey];
  delete process.env[ENV.config];
  installAwslambdaGlobal();
  const api = (await import(pathToFileURL(built.api.file).href)) as {
    handler: StreamifyHandler<LambdaFunctionURLEvent, void>;
  };
  const worker = (await import(pathToFileURL(built.worker.file).href)) as {
    handler: SqsHandler & ((event: unknown, context: Context) => Promise<unknown>);
  };
  const front = await startLocalServer({ handler: api.handler, port: 0, host: "127.0.0.1" });
  const source = new SqsEventSource(sqs, QueueUrl!, worker.handler, { concurrency: 4, waitTimeSeconds: 1 });
  await source.start();
  return {
    url: front.url,
    tick: () => worker.handler(CRON_TICK_EVENT, invocationContext("lambdagraph-worker-test")),
    async close() {
      await front.close();
      await source.stop();
      sqs.destroy();
      await sqsServer.stop();
      await dynamo.close();
      process.env = saved;
    },
  };
}
