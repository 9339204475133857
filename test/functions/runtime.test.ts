/**
 * lib/runtime.ts getPlatform(): a deployed function builds its platform on its first request. A cold start that
 * fails (here: the environment is incomplete, as when a Secrets Manager or DynamoDB call fails) must not stick to
 * the container: the next request tries again.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { ENV } from "../../lib/config/env.js";
import { getPlatform } from "../../lib/runtime.js";
import { tableNamesToEnv } from "../../lib/tables/definitions.js";
import { startTestDynamo, type TestDynamo } from "../helpers/dynamo.js";

let dynamo: TestDynamo;
const saved = { ...process.env };

beforeAll(async () => {
  dynamo = await startTestDynamo();
  Object.assign(process.env, tableNamesToEnv(await dynamo.freshTables()), {
    [ENV.dynamoEndpoint]: dynamo.endpoint,
    [ENV.config]: "langgraph.json",
    AWS_REGION: "us-east-1",
  });
  delete process.env[ENV.runQueueUrl];
}, 60_000);
afterAll(async () => {
  process.env = saved;
  await dynamo.close();
});

it(
  "retries a failed cold start on the next request instead of failing every request of the container",
  { timeout: 60_000 },
  async () => {
    await expect(getPlatform()).rejects.toThrow(ENV.runQueueUrl);
    process.env[ENV.runQueueUrl] = "https://sqs.us-east-1.amazonaws.com/123456789012/lambdagraph-runs.fifo";
    const platform = await getPlatform();
    expect(platform.graphs.ids()).toContain("agent");
    expect(await getPlatform()).toBe(platform); // and a good one is kept
  },
);
