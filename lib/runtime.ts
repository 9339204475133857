/**
 * The process's Platform, for the Lambda entry points (functions/). `npm start` and tests install one with
 * setPlatform(); a deployed function builds it on first use from the environment the CDK stack sets, with the
 * graphs its bundle registered (registerGraphs) — or, outside a bundle, loaded from LAMBDAGRAPH_CONFIG.
 */
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient } from "@aws-sdk/client-sqs";
import { digest } from "./http/api-key.js";
import { ENV, FOREGROUND_RUNS_DEFAULT } from "./config/env.js";
import { FUNCTION_TIMING_DEFAULTS, timingFromEnv } from "./config/platform-options.js";
import { ttlFromEnv } from "./config/ttl.js";
import { createDocumentClient, type DynamoConnection } from "./dynamo/client.js";
import { httpDispatch } from "./dynamo/http-dispatch.js";
import { inProcessRequestHandler } from "./dynamo/in-process.js";
import { loadGraphs, registryFromModules, type BundledGraph, type GraphRegistry } from "./graphs/registry.js";
import { createPlatform, type Platform } from "./platform.js";
import { ForegroundQueue } from "./runs/foreground.js";
import { SqsQueue } from "./runs/sqs-queue.js";
import { executeRun } from "./runs/worker.js";
import { ensureDefaultAssistants } from "./services/assistants.js";
import { tableNamesFromEnv } from "./tables/definitions.js";

let current: Promise<Platform> | undefined;
let bundledGraphs: Record<string, BundledGraph> | undefined;

export function setPlatform(platform: Platform | Promise<Platform>): void {
  current = Promise.resolve(platform);
}

/**
 * The platform, built on first use. A cold start that fails (a Secrets Manager or DynamoDB error) is not kept:
 * the request that saw it fails, and the next one in the same container tries again.
 */
export function getPlatform(): Promise<Platform> {
  if (!current) {
    const starting = platformFromEnv();
    current = starting;
    starting.catch(() => {
      if (current === starting) current = undefined;
    });
  }
  return current;
}

/** Called by a function bundle's generated entry with the graph modules it imported (and their build-time schemas). */
export function registerGraphs(modules: Record<string, BundledGraph>): void {
  bundledGraphs = modules;
}

/** The API key's digest: from the stack's secret (read once per cold start), or a key given directly. */
async function apiKeyDigest(env: NodeJS.ProcessEnv): Promise<Buffer | undefined> {
  const secretArn = env[ENV.apiKeySecretArn];
  if (secretArn) {
    const secret = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (!secret.SecretString) throw new Error(`lambdagraph: the API key secret ${secretArn} has no string value`);
    return digest(secret.SecretString);
  }
  return env[ENV.apiKey] ? digest(env[ENV.apiKey]!) : undefined;
}

export async function platformFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<Platform> {
  const queueUrl = env[ENV.runQueueUrl];
  if (!queueUrl)
    throw new Error(`lambdagraph: ${ENV.runQueueUrl} is not set (the CDK stack sets it for deployed functions)`);
  // The construct's `timing` prop; a bad value fails here, naming its variable.
  const options = { ...FUNCTION_TIMING_DEFAULTS, ...timingFromEnv(env) };
  const ttl = ttlFromEnv(env); // langgraph.json checkpointer.ttl / store.ttl, as the construct deployed them
  const graphs: GraphRegistry = bundledGraphs
    ? await registryFromModules(bundledGraphs, env)
    : await loadGraphs(env[ENV.config] ?? "langgraph.json");
  const sqs = new SQSClient(env[ENV.sqsEndpoint] ? { endpoint: env[ENV.sqsEndpoint] } : {});
  const sqsQueue = new SqsQueue(sqs, queueUrl);
  // Only the API function sends from a foreground invocation (functions/api.ts); elsewhere this is the SQS queue.
  const queue = foregroundRunsFromEnv(env) ? new ForegroundQueue(sqsQueue) : sqsQueue;
  const platform = createPlatform({
    apiKeyDigest: await apiKeyDigest(env),
    client: createDocumentClient(dynamoConnection(env[ENV.dynamoEndpoint])),
    tables: tableNamesFromEnv(env),
    graphs,
    queue,
    options,
    ttl,
  });
  if (queue instanceof ForegroundQueue)
    queue.setExecutor((message, invocation) => executeRun(platform, message, invocation));
  await ensureDefaultAssistants(platform); // one conditional put per graph, per cold start
  return platform;
}

/**
 * How a function reaches DynamoDB: on AWS (no endpoint) through the SDK, signed. A plain-HTTP endpoint is a local
 * emulator (`npm start -- --topology aws`, tests), which checks no signature: reached as `npm start` reaches its own,
 * without the SDK's per-call machinery and SigV4 (lib/dynamo/http-dispatch.ts), over the socket between processes.
 */
function dynamoConnection(endpoint: string | undefined): DynamoConnection {
  if (!endpoint?.startsWith("http://")) return { endpoint };
  return { requestHandler: inProcessRequestHandler(httpDispatch(endpoint)) };
}

/** ENV.foregroundRuns: `true` or `false`; unset, the default; anything else is an error naming the variable. */
export function foregroundRunsFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const text = env[ENV.foregroundRuns];
  if (text === undefined || text === "") return FOREGROUND_RUNS_DEFAULT;
  if (text === "true" || text === "false") return text === "true";
  throw new Error(`lambdagraph: ${ENV.foregroundRuns} must be true or false, got ${JSON.stringify(text)}`);
}
