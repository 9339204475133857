/**
 * Graph secrets on AWS: one Secrets Manager secret (created or referenced by the CDK construct, named by
 * LAMBDAGRAPH_GRAPH_SECRETS_ARN) holds a JSON object of environment variables — `{"OPENAI_API_KEY": "sk-…"}` — that
 * a deployed function sets at cold start, before any graph module is imported, so graphs read them from
 * process.env as they do under `npm start` (where langgraph.json's `env` sets them). Variables already set win, as
 * with `env`. Values never appear in the CloudFormation template.
 */
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { z } from "zod";
import { ENV } from "./env.js";

const SecretVariables = z.record(z.string(), z.string());
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The variables of a graph secret's string: a JSON object of strings; an empty string is no variables. */
export function parseGraphSecrets(text: string | undefined, secretId: string): Record<string, string> {
  if (!text || !text.trim()) return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(
      `lambdagraph: the graph secret ${secretId} must hold a JSON object of environment variables, e.g. {"OPENAI_API_KEY": "sk-..."}`,
    );
  }
  const parsed = SecretVariables.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new Error(`lambdagraph: the graph secret ${secretId} must map variable names to strings: ${issues}`);
  }
  const bad = Object.keys(parsed.data).filter((name) => !VARIABLE_NAME.test(name));
  if (bad.length > 0)
    throw new Error(
      `lambdagraph: the graph secret ${secretId} has keys that are not environment variable names: ${bad.join(", ")}`,
    );
  return parsed.data;
}

/** Sets the graph secret's variables in `env` (those not set already); returns their names. */
export async function loadGraphSecrets(
  env: NodeJS.ProcessEnv = process.env,
  client: Pick<SecretsManagerClient, "send"> = new SecretsManagerClient({}),
): Promise<string[]> {
  const secretId = env[ENV.graphSecretsArn];
  if (!secretId) return [];
  const secret = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  const variables = parseGraphSecrets(secret.SecretString, secretId);
  for (const [name, value] of Object.entries(variables)) env[name] ??= value;
  return Object.keys(variables);
}
