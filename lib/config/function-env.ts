/**
 * The environment both deployed functions get: the one definition the CDK construct (infra/platform.ts) and
 * `npm start -- --topology aws` (lib/local/aws-topology.ts) both use, so the local processes are configured exactly
 * as the deployed functions are.
 */
import { ENV } from "./env.js";
import { timingToEnv, type TimingOptions } from "./platform-options.js";
import { ttlToEnv, type DataTtl } from "./ttl.js";

export interface FunctionEnvironment {
  /** Table names by their variables (lib/tables/definitions.ts tableNamesToEnv, or the construct's tables). */
  tables: Record<string, string>;
  runQueueUrl: string;
  timing?: TimingOptions;
  /** langgraph.json's checkpointer.ttl and store.ttl: settings only, never langgraph.json `env` values. */
  ttl?: DataTtl;
  graphSecretsArn?: string;
}

export function functionEnvironment(parts: FunctionEnvironment): Record<string, string> {
  return {
    ...parts.tables,
    ...timingToEnv(parts.timing ?? {}),
    ...ttlToEnv(parts.ttl ?? {}),
    ...(parts.graphSecretsArn ? { [ENV.graphSecretsArn]: parts.graphSecretsArn } : {}),
    [ENV.runQueueUrl]: parts.runQueueUrl,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
}
