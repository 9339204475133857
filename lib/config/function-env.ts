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
  /** Streamed and waited runs execute in the API function (lib/runs/foreground.ts). Unset: the default. */
  foregroundRuns?: boolean;
}

export function functionEnvironment(parts: FunctionEnvironment): Record<string, string> {
  return {
    ...parts.tables,
    ...timingToEnv(parts.timing ?? {}),
    ...ttlToEnv(parts.ttl ?? {}),
    ...(parts.graphSecretsArn ? { [ENV.graphSecretsArn]: parts.graphSecretsArn } : {}),
    [ENV.runQueueUrl]: parts.runQueueUrl,
    ...(parts.foregroundRuns !== undefined ? { [ENV.foregroundRuns]: String(parts.foregroundRuns) } : {}),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
}
