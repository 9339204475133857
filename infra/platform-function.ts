/**
 * What the API and worker functions share: Node.js 22 on arm64, their bundle (function-code.ts), their environment
 * (lib/config/function-env.ts), and least-privilege access to the tables, the run queue and the graphs' secret.
 */
import { Duration } from "aws-cdk-lib";
import { Architecture, Runtime, type Function as LambdaFunction, type FunctionProps } from "aws-cdk-lib/aws-lambda";
import type { ILogGroup } from "aws-cdk-lib/aws-logs";
import type { ISecret } from "aws-cdk-lib/aws-secretsmanager";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { ENV } from "../lib/config/env.js";
import { functionEnvironment } from "../lib/config/function-env.js";
import type { TimingOptions } from "../lib/config/platform-options.js";
import type { LoadedConfig } from "../lib/graphs/config.js";
import { tableNamesToEnv, type TableId } from "../lib/tables/definitions.js";
import type { FunctionName } from "./bundling.js";
import { functionCode } from "./function-code.js";
import type { LangGraphTables } from "./tables.js";

export interface PlatformFunctionProps {
  /** The langgraph.json whose graphs the function serves (lib/graphs/config.ts readConfig). */
  config: LoadedConfig;
  tables: LangGraphTables;
  runQueue: IQueue;
  /** The secret whose JSON key/values become the graphs' environment at cold start. */
  graphSecrets: ISecret;
  /** Timing options in milliseconds (lib/platform.ts PlatformOptions). Unset ones keep their defaults. */
  timing?: TimingOptions;
  /** Streamed and waited runs execute in the API function (lib/runs/foreground.ts). Default: true. */
  foregroundRuns?: boolean;
  /** Memory in MB. Default 1024. */
  memorySize?: number;
  /** Default and maximum: 15 minutes. */
  timeout?: Duration;
  /** Default: Lambda's own (/aws/lambda/<function name>, kept forever). */
  logGroup?: ILogGroup;
}

export const DEFAULT_TIMEOUT = Duration.minutes(15);

/** The FunctionProps of function `name`. */
export function platformFunctionProps(
  name: FunctionName,
  description: string,
  props: PlatformFunctionProps,
  apiKey?: ISecret,
): FunctionProps {
  return {
    description,
    code: functionCode(props.config.path, name),
    handler: "index.handler",
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    memorySize: props.memorySize ?? 1024,
    timeout: props.timeout ?? DEFAULT_TIMEOUT,
    logGroup: props.logGroup,
    // The one definition, shared with `npm start -- --topology aws` (lib/config/function-env.ts). Settings only,
    // never values: langgraph.json `env` stays out of the template (its values go in the graphs' secret).
    environment: {
      ...functionEnvironment({
        tables: tableNamesToEnv(props.tables.tableNames),
        runQueueUrl: props.runQueue.queueUrl,
        graphSecretsArn: props.graphSecrets.secretArn,
        timing: props.timing,
        ttl: props.config.ttl,
        foregroundRuns: props.foregroundRuns,
      }),
      ...(apiKey ? { [ENV.apiKeySecretArn]: apiKey.secretArn } : {}),
    },
  };
}

/**
 * Least privilege: the tables and queue actions a function uses, on those resources only. Both functions write
 * assistants (defaults are stored at cold start) and crons (the worker starts due occurrences); both send run
 * messages (the API new runs; the worker the next enqueued run, and runs handed back).
 */
export function grantPlatformAccess(fn: LambdaFunction, props: PlatformFunctionProps): void {
  const readWrite: TableId[] = ["threads", "runs", "events", "checkpoints", "store", "assistants", "crons"];
  for (const id of readWrite) props.tables.tables[id].grantReadWriteData(fn);
  props.graphSecrets.grantRead(fn);
  props.runQueue.grantSendMessages(fn);
}
