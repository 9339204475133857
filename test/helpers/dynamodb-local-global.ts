/**
 * vitest globalSetup: under `npm run test:dynamodb-local` (env LAMBDAGRAPH_TEST_DYNAMO=local), one DynamoDB Local for
 * the whole run. Each embedded DynamoDB a test starts is then a database of its own on it
 * (lib/dynamo/dynamodb-local-db.ts), as separate as a JVM of its own was, without a JVM start (seconds of CPU) each.
 */
import { defaultEngine, SHARED_DYNAMODB_LOCAL_ENV, startEmbeddedDynamo } from "../../lib/dynamo/embedded.js";

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (defaultEngine() !== "dynamodb-local" || process.env[SHARED_DYNAMODB_LOCAL_ENV]) return undefined;
  const dynamo = await startEmbeddedDynamo({ engine: "dynamodb-local", perAccessKey: true });
  process.env[SHARED_DYNAMODB_LOCAL_ENV] = dynamo.endpoint; // the workers start after this, with this environment
  return async () => {
    delete process.env[SHARED_DYNAMODB_LOCAL_ENV];
    await dynamo.close();
  };
}
