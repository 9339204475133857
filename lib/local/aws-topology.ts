/**
 * `npm start -- --topology aws`: the system laid out as the stack deploys it, on one machine, without an account.
 *
 *   this process: the embedded DynamoDB (over HTTP) and an SQS FIFO emulator (fauxqs), queues as infra/run-queue.ts
 *     ├─ API process (api-process.ts): functions/api.ts behind the local function URL front end
 *     └─ worker process (worker-process.ts): functions/worker.ts fed by a stand-in SQS event source and schedule
 *
 * The two function processes share only DynamoDB and the queue, and are configured only by the environment the
 * stack sets (lib/config/function-env.ts), plus the endpoints that point them at the emulators.
 */
import { fork, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { startFauxqs } from "fauxqs";
import { ENV } from "../config/env.js";
import { functionEnvironment } from "../config/function-env.js";
import type { TimingOptions } from "../config/platform-options.js";
import { OPTION_ENV } from "../config/env.js";
import { createDocumentClient } from "../dynamo/client.js";
import { startEmbeddedDynamo } from "../dynamo/embedded.js";
import { loadConfig } from "../graphs/config.js";
import { ensureTables } from "../tables/create.js";
import { tableNamesToEnv, tableNamesWithPrefix } from "../tables/definitions.js";
import { FUNCTION_TIMEOUT_MS } from "./lambda-context.js";
import type { LocalOptions } from "./start.js";

export interface AwsTopology {
  url: string;
  /** The graphs langgraph.json names (served by both function processes). */
  graphIds: string[];
  /** Resolves with a description when a function process exits on its own (it crashed). */
  exited: Promise<string>;
  close(): Promise<void>;
}

/** What the stand-in credentials and region are: the emulators accept any; Lambda's runtime sets real ones. */
const LOCAL_AWS_ENV = { AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local" };

export async function startAwsTopology(options: LocalOptions): Promise<AwsTopology> {
  const configPath = resolve(options.config);
  const config = loadConfig(configPath);
  const dynamo = await startEmbeddedDynamo({ path: options.dataDir });
  const tables = tableNamesWithPrefix("lambdagraph");
  const setup = createDocumentClient({ endpoint: dynamo.endpoint });
  await ensureTables(setup, tables);
  setup.destroy();
  const sqsServer = await startFauxqs({ port: 0, host: "127.0.0.1", logger: false });
  const children: ChildProcess[] = [];
  const stopEmulators = async () => {
    await sqsServer.stop();
    await dynamo.close();
  };
  try {
    const runQueueUrl = await createRunQueue(sqsServer.address);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...LOCAL_AWS_ENV,
      ...functionEnvironment({
        tables: tableNamesToEnv(tables),
        runQueueUrl,
        timing: timingOf(options.platformOptions),
        ttl: config.ttl,
        foregroundRuns: options.foregroundRuns,
      }),
      [ENV.dynamoEndpoint]: dynamo.endpoint,
      [ENV.sqsEndpoint]: sqsServer.address,
      [ENV.config]: configPath,
    };
    if (options.apiKey) env[ENV.apiKey] = options.apiKey;
    else delete env[ENV.apiKey];
    const front = { port: options.port, host: options.host, staticDir: options.webDir };
    // Lambda's runtime names each function in AWS_LAMBDA_FUNCTION_NAME.
    const api = startProcess("api-process.ts", [JSON.stringify(front)], {
      ...env,
      AWS_LAMBDA_FUNCTION_NAME: "lambdagraph-api",
    });
    const worker = startProcess("worker-process.ts", [JSON.stringify({ tickMs: options.sweepMs || undefined })], {
      ...env,
      AWS_LAMBDA_FUNCTION_NAME: "lambdagraph-worker",
    });
    children.push(api.child, worker.child);
    const [{ url }] = await Promise.all([api.ready, worker.ready]);
    let closing = false;
    const exited = Promise.race(
      [
        ["API", api.child],
        ["worker", worker.child],
      ].map(
        ([name, child]) =>
          new Promise<string>((done) =>
            (child as ChildProcess).once("exit", (code, signal) => {
              if (!closing) done(`the ${name as string} process exited (${signal ?? code})`);
            }),
          ),
      ),
    );
    return {
      url: url!,
      graphIds: config.graphs.map((g) => g.graphId),
      exited,
      async close() {
        closing = true;
        await Promise.all(children.map(stopProcess));
        await stopEmulators();
      },
    };
  } catch (err) {
    await Promise.all(children.map(stopProcess));
    await stopEmulators();
    throw err;
  }
}

/** The run queue and its dead-letter queue, with the attributes infra/run-queue.ts gives them. */
async function createRunQueue(endpoint: string): Promise<string> {
  const sqs = new SQSClient({
    endpoint,
    region: LOCAL_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  try {
    const dlqUrl = (
      await sqs.send(new CreateQueueCommand({ QueueName: "lambdagraph-dead-letters.fifo", Attributes: FIFO }))
    ).QueueUrl!;
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] })))
      .Attributes!.QueueArn!;
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: "lambdagraph-runs.fifo",
        Attributes: {
          ...FIFO,
          DeduplicationScope: "messageGroup",
          FifoThroughputLimit: "perMessageGroupId",
          VisibilityTimeout: String((FUNCTION_TIMEOUT_MS / 1000) * 6),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 }),
        },
      }),
    );
    return QueueUrl!;
  } finally {
    sqs.destroy();
  }
}

const FIFO = { FifoQueue: "true", ContentBasedDeduplication: "false" };

/** The timing options (the construct's `timing` prop) among the platform options a caller set. */
function timingOf(platformOptions: LocalOptions["platformOptions"]): TimingOptions {
  const timing: TimingOptions = {};
  for (const key of Object.keys(OPTION_ENV) as (keyof TimingOptions)[]) {
    const value = platformOptions?.[key];
    if (value !== undefined) timing[key] = value;
  }
  return timing;
}

/** Forks a function process (TypeScript through tsx); `ready` resolves on its `ready` message. */
function startProcess(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; ready: Promise<{ url?: string }> } {
  const own = import.meta.url.endsWith(".ts") ? file : file.replace(/\.ts$/, ".js"); // compiled in the package
  const child = fork(resolve(import.meta.dirname, own), args, {
    env,
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ready = new Promise<{ url?: string }>((done, fail) => {
    child.once("message", (message: { ready?: boolean; url?: string }) => {
      if (message.ready) done({ url: message.url });
    });
    child.once("exit", (code, signal) => fail(new Error(`${file} exited during start (${signal ?? code})`)));
    child.once("error", fail);
  });
  return { child, ready };
}

/** SIGTERM, then wait: the process lets its work under way finish (as `npm start` does) and exits. */
function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once("exit", () => done());
    child.kill("SIGTERM");
  });
}
