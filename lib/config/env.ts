/**
 * The environment variables that configure a deployed function — set by the CDK stack (infra/), read by
 * lib/runtime.ts. Table names have theirs in lib/tables/definitions.ts. Nothing else spells these names.
 */
export const ENV = {
  /** URL of the SQS queue that carries run messages to the worker. */
  runQueueUrl: "LAMBDAGRAPH_RUN_QUEUE_URL",
  /** A DynamoDB-compatible endpoint (the embedded one locally, unset on AWS). */
  dynamoEndpoint: "LAMBDAGRAPH_DYNAMODB_ENDPOINT",
  /** An SQS-compatible endpoint (unset on AWS). */
  sqsEndpoint: "LAMBDAGRAPH_SQS_ENDPOINT",
  /** ARN of the Secrets Manager secret holding the API key (unset: no key required). */
  apiKeySecretArn: "LAMBDAGRAPH_API_KEY_SECRET_ARN",
  /** The API key itself, for `npm start` when a key is wanted locally. */
  apiKey: "LAMBDAGRAPH_API_KEY",
  /** The langgraph.json to load when no graphs were bundled (local runs). */
  config: "LAMBDAGRAPH_CONFIG",
  /**
   * ARN of the Secrets Manager secret whose JSON key/values become the graphs' environment variables, loaded at
   * cold start before the graphs (lib/config/graph-secrets.ts). Unset: no graph secrets.
   */
  graphSecretsArn: "LAMBDAGRAPH_GRAPH_SECRETS_ARN",
  /**
   * `true`: a runs/stream or runs/wait request executes its new run inside the API function (lib/runs/foreground.ts);
   * `false`: every run goes through the queue to the worker. Unset: FOREGROUND_RUNS_DEFAULT.
   */
  foregroundRuns: "LAMBDAGRAPH_FOREGROUND_RUNS",
  /** langgraph.json's `checkpointer.ttl` / `store.ttl`, as JSON (set by the stack from the config it deploys). */
  checkpointerTtl: "LAMBDAGRAPH_CHECKPOINTER_TTL",
  storeTtl: "LAMBDAGRAPH_STORE_TTL",
} as const;

/** Whether runs/stream and runs/wait run in the API function when the stack does not say (ENV.foregroundRuns). */
export const FOREGROUND_RUNS_DEFAULT = true;

/**
 * The timing options of lib/platform.ts `PlatformOptions` a deployment may set (the construct's `timing` prop), each
 * an integer number of milliseconds in its variable; parsed by lib/config/platform-options.ts.
 */
export const OPTION_ENV = {
  eventPollMs: "LAMBDAGRAPH_EVENT_POLL_MS",
  eventFlushMs: "LAMBDAGRAPH_EVENT_FLUSH_MS",
  cancelPollMs: "LAMBDAGRAPH_CANCEL_POLL_MS",
  heartbeatMs: "LAMBDAGRAPH_HEARTBEAT_MS",
  leaseMs: "LAMBDAGRAPH_LEASE_MS",
  handBackAtStepMs: "LAMBDAGRAPH_HAND_BACK_AT_STEP_MS",
  handBackNowMs: "LAMBDAGRAPH_HAND_BACK_NOW_MS",
} as const;

export type TimingOption = keyof typeof OPTION_ENV;
