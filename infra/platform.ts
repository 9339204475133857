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
import { CfnOutput, Duration, SecretValue, Stack } from "aws-cdk-lib";
import type { Table, TableV2 } from "aws-cdk-lib/aws-dynamodb";
import {
  Architecture,
  FunctionUrlAuthType,
  HttpMethod,
  InvokeMode,
  Runtime,
  type FunctionUrl,
  type FunctionUrlCorsOptions,
} from "aws-cdk-lib/aws-lambda";
import { CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS, CORS_MAX_AGE_SECONDS } from "../lib/http/cors.js";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { Schedule, ScheduleExpression, ScheduleTargetInput } from "aws-cdk-lib/aws-scheduler";
import { LambdaInvoke } from "aws-cdk-lib/aws-scheduler-targets";
import { CRON_TICK_EVENT } from "../lib/runs/cron-tick.js";
import { NodejsFunction, OutputFormat } from "aws-cdk-lib/aws-lambda-nodejs";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Secret, type ISecret } from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";
import { resolve } from "node:path";
import { ENV } from "../lib/config/env.js";
import { functionEnvironment } from "../lib/config/function-env.js";
import type { TimingOptions } from "../lib/config/platform-options.js";
import { loadConfig } from "../lib/graphs/config.js";
import type { TableId } from "../lib/tables/definitions.js";
import { ESBUILD, uiCommandHooks, writeEntries, type FunctionName } from "./bundling.js";
import { deploymentCors } from "../lib/extensions/cors.js";
import type { HttpCorsConfig } from "../lib/extensions/config.js";
import { RunQueue } from "./run-queue.js";
import { LangGraphTables, type LangGraphTablesProps } from "./tables.js";

export type ApiAuth = "apiKey" | "iam" | "none";

export interface LangGraphPlatformProps {
  /** The langgraph.json naming the graphs to deploy. Default: ./langgraph.json. */
  config?: string;
  /**
   * Who may call the API. `apiKey` (default): the function URL is public but every request except GET /ok and GET /info must
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
  /** Where the generated function entries are written. Default: .lambdagraph/build. */
  buildDir?: string;
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
   * `{}`; put your values in it (output GraphSecretsArn). Or an existing secret, or its complete ARN.
   * langgraph.json `env` is never copied into the template.
   */
  graphSecrets?: ISecret | string;
}

export class LangGraphPlatform extends Construct {
  readonly tables: LangGraphTables;
  readonly runQueue: RunQueue;
  readonly api: NodejsFunction;
  readonly worker: NodejsFunction;
  readonly url: FunctionUrl;
  readonly apiKey?: Secret;
  /** The graphs' environment secret (see `graphSecrets`). */
  readonly graphSecrets: ISecret;

  constructor(scope: Construct, id: string, props: LangGraphPlatformProps = {}) {
    super(scope, id);
    const timeout = props.timeout ?? Duration.minutes(15);
    const entries = writeEntries(
      resolve(props.config ?? "langgraph.json"),
      resolve(props.buildDir ?? ".lambdagraph/build"),
    );

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
    // The same definition configures `npm start -- --topology aws` (lib/config/function-env.ts).
    const environment = functionEnvironment({
      tables: this.tables.environment(),
      timing: props.timing,
      // Settings only, never values: langgraph.json `env` stays out of the template (values go in graphSecrets).
      ttl: loadConfig(resolve(props.config ?? "langgraph.json")).ttl,
      graphSecretsArn: this.graphSecrets.secretArn,
      runQueueUrl: this.runQueue.queue.queueUrl,
      foregroundRuns: props.foregroundRuns,
    });

    const fn = (name: FunctionName, description: string) =>
      new NodejsFunction(this, name === "api" ? "Api" : "Worker", {
        description,
        entry: entries[name],
        handler: "handler",
        runtime: Runtime.NODEJS_22_X,
        architecture: Architecture.ARM_64,
        memorySize: props.memorySize ?? 1024,
        timeout,
        environment,
        logGroup: new LogGroup(this, name === "api" ? "ApiLogs" : "WorkerLogs", {
          retention: props.logRetention ?? RetentionDays.ONE_MONTH,
        }),
        bundling: {
          format: OutputFormat.ESM,
          target: ESBUILD.target,
          minify: ESBUILD.minify,
          sourceMap: ESBUILD.sourcemap,
          externalModules: ESBUILD.external,
          mainFields: ESBUILD.mainFields,
          banner: ESBUILD.banner,
          // langgraph.json `ui`: the browser bundles, built into the API bundle's folder (served from ui/).
          commandHooks: name === "api" ? uiCommandHooks(resolve(props.config ?? "langgraph.json")) : undefined,
        },
      });
    this.api = fn("api", "lambdagraph API: every REST and SSE route");
    this.worker = fn("worker", "lambdagraph worker: executes runs from the queue");

    // Least privilege: each function gets the tables and queue actions it uses, on those resources only.
    // Both write assistants (defaults are stored at cold start) and crons (the worker starts due occurrences).
    const readWrite: TableId[] = ["threads", "runs", "events", "checkpoints", "store", "assistants", "crons"];
    for (const id of readWrite) (this.tables.tables[id] as TableV2 | Table).grantReadWriteData(this.api);
    for (const id of readWrite) (this.tables.tables[id] as TableV2 | Table).grantReadWriteData(this.worker);
    this.graphSecrets.grantRead(this.api);
    this.graphSecrets.grantRead(this.worker);
    this.runQueue.queue.grantSendMessages(this.api); // new runs
    this.runQueue.queue.grantSendMessages(this.worker); // the next enqueued run, and runs handed back
    this.worker.addEventSource(
      new SqsEventSource(this.runQueue.queue, { batchSize: 1, reportBatchItemFailures: true }),
    );
    // Once a minute the worker starts the cron occurrences that are due (lib/services/crons.ts) and sends again the
    // runs whose lease ran out (lib/runs/sweep.ts: a crashed worker's run resumes within about two minutes).
    new Schedule(this, "CronTick", {
      description: "lambdagraph: start due cron runs, resume runs whose worker died",
      schedule: ScheduleExpression.rate(Duration.minutes(1)),
      target: new LambdaInvoke(this.worker, {
        input: ScheduleTargetInput.fromObject(CRON_TICK_EVENT),
        retryAttempts: 0,
      }),
    });

    const auth = props.auth ?? "apiKey";
    if (auth === "apiKey") {
      this.apiKey = new Secret(this, "ApiKey", {
        description: "lambdagraph API key: send it as x-api-key (new Client({ apiKey }))",
        generateSecretString: { passwordLength: 48, excludePunctuation: true },
      });
      this.apiKey.grantRead(this.api);
      this.api.addEnvironment(ENV.apiKeySecretArn, this.apiKey.secretArn);
    }
    this.url = this.api.addFunctionUrl({
      authType: auth === "iam" ? FunctionUrlAuthType.AWS_IAM : FunctionUrlAuthType.NONE,
      invokeMode: InvokeMode.RESPONSE_STREAM,
      cors: corsFor(props.corsOrigins, loadConfig(resolve(props.config ?? "langgraph.json")).http?.cors),
    });

    const stack = Stack.of(this);
    new CfnOutput(stack, "ApiUrl", {
      value: this.url.url,
      description: "Point the LangGraph SDK here: new Client({ apiUrl })",
    });
    if (this.apiKey) {
      new CfnOutput(stack, "ApiKeySecretArn", {
        value: this.apiKey.secretArn,
        description: "aws secretsmanager get-secret-value --secret-id <this> --query SecretString --output text",
      });
    }
    new CfnOutput(stack, "GraphSecretsArn", {
      value: this.graphSecrets.secretArn,
      description:
        'aws secretsmanager put-secret-value --secret-id <this> --secret-string \'{"OPENAI_API_KEY":"sk-..."}\'',
    });
    new CfnOutput(stack, "DeadLetterQueueUrl", { value: this.runQueue.deadLetterQueue.queueUrl });
  }
}

/** The function URL's CORS: the deploy's corsOrigins and langgraph.json's http.cors (lib/extensions/cors.ts). */
function corsFor(
  origins: string[] | undefined,
  fromConfig: HttpCorsConfig | undefined,
): FunctionUrlCorsOptions | undefined {
  const cors = deploymentCors(origins, fromConfig);
  if (!cors) return undefined;
  return {
    allowedOrigins: cors.origins,
    allowedMethods: cors.methods.map((m) => (m === "*" ? HttpMethod.ALL : (m as HttpMethod))),
    allowedHeaders: cors.allowHeaders ?? [...CORS_ALLOW_HEADERS],
    exposedHeaders: cors.exposeHeaders ?? [...CORS_EXPOSE_HEADERS],
    maxAge: Duration.seconds(cors.maxAgeSeconds ?? CORS_MAX_AGE_SECONDS),
    allowCredentials: cors.credentials,
  };
}
