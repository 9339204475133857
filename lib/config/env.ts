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
} as const;
