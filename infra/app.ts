/**
 * `npx cdk deploy` entry. Context (cdk.json or -c key=value):
 *   config=path/to/langgraph.json   auth=apiKey|iam|none   removal=retain|destroy   stackName=LambdaGraph
 *   corsOrigins=https://app.example.com,https://other.example.com   (pages allowed to call the API from a browser)
 *   timing='{"leaseMs":60000,"eventPollMs":200}'   (lib/platform.ts timing options, in milliseconds)
 *   graphSecretsArn=arn:aws:secretsmanager:…   (an existing secret for the graphs' environment; default: one is created)
 *   foregroundRuns=false   (every run through SQS to the worker; default true: streamed and waited runs in the API)
 */
import { App, RemovalPolicy } from "aws-cdk-lib";
import { LambdaGraphStack } from "./stack.js";
import type { ApiAuth } from "./platform.js";
import type { TimingOptions } from "../lib/config/platform-options.js";

const app = new App();
const context = (key: string) => app.node.tryGetContext(key) as string | undefined;

/** `timing` context: a JSON object (cdk.json may hold the object itself). */
function timing(): TimingOptions | undefined {
  const raw = app.node.tryGetContext("timing") as unknown;
  if (raw === undefined) return undefined;
  if (typeof raw === "object" && raw !== null) return raw as TimingOptions;
  try {
    return JSON.parse(String(raw)) as TimingOptions;
  } catch {
    throw new Error(
      `context timing must be a JSON object of milliseconds, e.g. '{"leaseMs":60000}', got ${String(raw)}`,
    );
  }
}

/** `foregroundRuns` context: true or false (cdk.json may hold the boolean itself). */
function foregroundRuns(): boolean | undefined {
  const raw = app.node.tryGetContext("foregroundRuns") as unknown;
  if (raw === undefined) return undefined;
  if (raw === true || raw === "true") return true;
  if (raw === false || raw === "false") return false;
  throw new Error(`context foregroundRuns must be true or false, got ${String(raw)}`);
}

new LambdaGraphStack(app, context("stackName") ?? "LambdaGraph", {
  // An explicit environment keeps `cdk synth` offline: no account look-ups.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION ?? "us-east-1" },
  platform: {
    config: context("config") ?? "langgraph.json",
    auth: (context("auth") as ApiAuth | undefined) ?? "apiKey",
    corsOrigins: context("corsOrigins")
      ?.split(",")
      .map((origin) => origin.trim())
      .filter(Boolean),
    tables: { removalPolicy: context("removal") === "destroy" ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN },
    timing: timing(),
    graphSecrets: context("graphSecretsArn"),
    foregroundRuns: foregroundRuns(),
  },
});
