/**
 * LangGraphPlatform: the LangGraph Platform API on AWS, serverless.
 *
 *   client ──HTTPS──▶ API function (function URL, RESPONSE_STREAM) ──▶ DynamoDB tables
 *                          │ run messages (SQS FIFO, grouped by thread)        ▲
 *                          ▼                                                   │
 *                     worker function (SQS event source) ───────────────────────┘
 *
 * Everything is on-demand: no request, no cost. Table and queue names reach the functions only through the
 * environment variables named in lib/tables/definitions.ts and lib/config/env.ts.
 */
import { Duration, SecretValue } from "aws-cdk-lib";
import type { FunctionUrl } from "aws-cdk-lib/aws-lambda";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Secret, type ISecret } from "aws-cdk-lib/aws-secretsmanager";
import type { Queue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { resolve } from "node:path";
import type { TimingOptions } from "../lib/config/platform-options.js";
import { readConfig } from "../lib/graphs/config.js";
import type { TableNames } from "../lib/tables/definitions.js";
import { ApiFunction, type ApiAuth } from "./api-function.js";
import { CronTick } from "./cron-tick.js";
import { DEFAULT_TIMEOUT } from "./platform-function.js";
import { RunQueue } from "./run-queue.js";
import { LangGraphTables, type LangGraphTablesProps } from "./tables.js";
import { WorkerFunction } from "./worker-function.js";

export type { ApiAuth };

export interface LangGraphPlatformProps {
  /** The langgraph.json naming the graphs to deploy. Default: ./langgraph.json. */
  config?: string;
  /**
   * Who may call the API. `apiKey` (default): the function URL is public but every request except GET /ok must
   * carry the stack-generated key in `x-api-key` (the SDK's `apiKey`). `iam`: SigV4-signed requests only.
   * `none` leaves the API open to anyone with the URL — only for throwaway experiments.
   */
  auth?: ApiAuth;
  /**
   * Origins whose pages may call the API from a browser (the chat page in web/, a useStream app), e.g.
   * ["https://app.example.com"]. The function URL answers the CORS preflight itself. Default: none. "*" is refused:
   * it is for `npm start` only.
   */
  corsOrigins?: string[];
  tables?: LangGraphTablesProps;
  /** Memory of both functions in MB. Default 1024. */
  memorySize?: number;
  /** Longest an SSE stream or a worker invocation may last. Default and maximum: 15 minutes. */
  timeout?: Duration;
  logRetention?: RetentionDays;
  /**
   * Timing of both functions, in milliseconds (lib/platform.ts PlatformOptions): eventPollMs, eventFlushMs,
   * cancelPollMs, heartbeatMs, leaseMs, handBackAtStepMs, handBackNowMs. Unset ones keep their defaults.
   */
  timing?: TimingOptions;
  /**
   * Streamed and waited runs (runs/stream, runs/wait) execute inside the API function that holds the client's
   * connection, streaming from its memory, instead of going through SQS to the worker (lib/runs/foreground.ts): one
   * function alive per run instead of two, no queue hop before the first token. Background runs always use the queue.
   * Default: true.
   */
  foregroundRuns?: boolean;
  /**
   * The secret whose JSON key/values become the graphs' environment variables in both functions (loaded at cold
   * start, before the graphs), e.g. `{"OPENAI_API_KEY": "sk-…"}`. Default: a secret the construct creates holding
   * `{}`; put your values in it (`graphSecrets.secretArn`). Or an existing secret, or its complete ARN.
   * langgraph.json `env` is never copied into the template.
   */
  graphSecrets?: ISecret | string;
}

/**
 * Values for the app's outputs and for other constructs: the construct itself adds no stack outputs, so several
 * platforms fit in one stack (see infra/stack.ts for the outputs of the deployable stack).
 */
export class LangGraphPlatform extends Construct {
  readonly tables: LangGraphTables;
  readonly runQueue: RunQueue;
  readonly api: ApiFunction;
  readonly worker: WorkerFunction;
  readonly cronTick: CronTick;
  readonly url: FunctionUrl;
  /** The secret holding the API key (`auth: "apiKey"` only). */
  readonly apiKey?: Secret;
  /** The graphs' environment secret (see `graphSecrets`). */
  readonly graphSecrets: ISecret;

  constructor(scope: Construct, id: string, props: LangGraphPlatformProps = {}) {
    super(scope, id);
    const config = readConfig(resolve(props.config ?? "langgraph.json"));
    const timeout = props.timeout ?? DEFAULT_TIMEOUT;
    const auth = props.auth ?? "apiKey";

    // Construct ids are the logical-id layout of the deployed stack: tables, queues and secrets keep theirs.
    this.tables = new LangGraphTables(this, "Tables", props.tables);
    this.runQueue = new RunQueue(this, "RunQueue", { workerTimeout: timeout });
    this.graphSecrets =
      typeof props.graphSecrets === "string"
        ? Secret.fromSecretCompleteArn(this, "GraphSecrets", props.graphSecrets)
        : (props.graphSecrets ??
          new Secret(this, "GraphSecrets", {
            description:
              "lambdagraph graph environment: a JSON object of variables (OPENAI_API_KEY, …) both functions set at cold start",
            secretStringValue: SecretValue.unsafePlainText("{}"), // no secret in it: the values are put after deploy
          }));
    if (auth === "apiKey") {
      this.apiKey = new Secret(this, "ApiKey", {
        description: "lambdagraph API key: send it as x-api-key (new Client({ apiKey }))",
        generateSecretString: { passwordLength: 48, excludePunctuation: true },
      });
    }

    const shared = {
      config,
      tables: this.tables,
      runQueue: this.runQueue.queue,
      graphSecrets: this.graphSecrets,
      timing: props.timing,
      foregroundRuns: props.foregroundRuns,
      memorySize: props.memorySize,
      timeout,
    };
    const retention = props.logRetention ?? RetentionDays.ONE_MONTH;
    this.api = new ApiFunction(this, "Api", {
      ...shared,
      logGroup: new LogGroup(this, "ApiLogs", { retention }),
      auth,
      apiKey: this.apiKey,
      corsOrigins: props.corsOrigins,
    });
    this.worker = new WorkerFunction(this, "Worker", {
      ...shared,
      logGroup: new LogGroup(this, "WorkerLogs", { retention }),
    });
    this.cronTick = new CronTick(this, "CronTick", { worker: this.worker });
    this.url = this.api.url;
  }

  /** The API's base URL: point the LangGraph SDK here (`new Client({ apiUrl })`). */
  get apiUrl(): string {
    return this.url.url;
  }

  /** Each table's physical name. */
  get tableNames(): TableNames {
    return this.tables.tableNames;
  }

  /** The queue of run messages. */
  get queue(): Queue {
    return this.runQueue.queue;
  }

  /** Where run messages go after failing repeatedly (an alarm watches it). */
  get deadLetterQueue(): Queue {
    return this.runQueue.deadLetterQueue;
  }
}
