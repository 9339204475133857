/**
 * Deployment configuration reaching the functions: the timing options (construct prop → environment →
 * platformFromEnv) and the graphs' secret (loaded at cold start, before any graph module runs).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENV, OPTION_ENV } from "../../lib/config/env.js";
import { loadGraphSecrets, parseGraphSecrets } from "../../lib/config/graph-secrets.js";
import { timingFromEnv, timingToEnv } from "../../lib/config/platform-options.js";
import { ttlFromEnv, ttlToEnv } from "../../lib/config/ttl.js";
import { DEFAULT_OPTIONS } from "../../lib/platform.js";
import { platformFromEnv } from "../../lib/runtime.js";
import { tableNamesToEnv } from "../../lib/tables/definitions.js";
import { FUNCTION_NAMES, entrySource } from "../../infra/bundling.js";
import { readConfig } from "../../lib/graphs/config.js";
import { startTestDynamo, type TestDynamo } from "../helpers/dynamo.js";

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => dynamo?.close());

const timing = {
  eventPollMs: 250,
  eventFlushMs: 80,
  cancelPollMs: 2000,
  heartbeatMs: 10_000,
  leaseMs: 60_000,
  handBackAtStepMs: 120_000,
  handBackNowMs: 30_000,
};

describe("timing options on a deployment", () => {
  it("reach the platform a deployed function builds from its environment", async () => {
    const env = {
      ...tableNamesToEnv(await dynamo.freshTables()),
      ...timingToEnv(timing),
      ...ttlToEnv({ checkpointer: { strategy: "delete", default_ttl: 60 } }),
      [ENV.dynamoEndpoint]: dynamo.endpoint,
      [ENV.runQueueUrl]: "http://127.0.0.1:1/queue/runs.fifo",
      [ENV.config]: "langgraph.json",
    };
    const platform = await platformFromEnv(env);
    expect(platform.options).toEqual({ ...DEFAULT_OPTIONS, ...timing });
    platform.client.destroy();
  });

  it("refuse a bad value, naming the variable", async () => {
    expect(() => timingFromEnv({ [OPTION_ENV.leaseMs]: "30s" })).toThrow(
      `${OPTION_ENV.leaseMs} must be a positive whole number of milliseconds, got "30s"`,
    );
    expect(() => timingFromEnv({ [OPTION_ENV.eventPollMs]: "-5" })).toThrow(OPTION_ENV.eventPollMs);
    expect(() => timingToEnv({ leaseMs: 1.5 })).toThrow(/timing.leaseMs must be a positive whole number/);
    expect(timingFromEnv({})).toEqual({});
    await expect(
      platformFromEnv({ [ENV.runQueueUrl]: "http://127.0.0.1:1/q.fifo", [OPTION_ENV.cancelPollMs]: "soon" }),
    ).rejects.toThrow(OPTION_ENV.cancelPollMs);
  });

  it("carries langgraph.json TTLs as settings, refusing a malformed one", () => {
    const ttl = {
      checkpointer: { strategy: "delete" as const, default_ttl: 60 },
      store: { default_ttl: 5, refresh_on_read: false },
    };
    expect(ttlFromEnv(ttlToEnv(ttl))).toEqual(ttl);
    expect(() =>
      ttlFromEnv({ [ENV.checkpointerTtl]: JSON.stringify({ strategy: "keep_latest", default_ttl: 1 }) }),
    ).toThrow(ENV.checkpointerTtl);
  });
});

describe("graph secrets on a deployment", () => {
  /** A Secrets Manager stand-in answering GetSecretValue with `text` (no emulator here has Secrets Manager). */
  const secretHolding = (text: string) => ({ send: async () => ({ SecretString: text }) }) as never;

  it("are set in the environment at cold start, without overriding variables already set", async () => {
    const env: NodeJS.ProcessEnv = {
      [ENV.graphSecretsArn]: "arn:aws:secretsmanager:us-east-1:1:secret:g",
      KEEP: "mine",
    };
    const names = await loadGraphSecrets(
      env,
      secretHolding(JSON.stringify({ OPENAI_API_KEY: "sk-test", KEEP: "theirs" })),
    );
    expect(names).toEqual(["OPENAI_API_KEY", "KEEP"]);
    expect(env).toMatchObject({ OPENAI_API_KEY: "sk-test", KEEP: "mine" });
    expect(await loadGraphSecrets({}, secretHolding("{}"))).toEqual([]); // no secret configured: nothing read
  });

  it("must be a JSON object of strings: anything else fails the cold start with a message saying so", () => {
    expect(parseGraphSecrets("{}", "s")).toEqual({});
    expect(parseGraphSecrets("", "s")).toEqual({});
    expect(() => parseGraphSecrets("OPENAI_API_KEY=sk", "s")).toThrow(/JSON object of environment variables/);
    expect(() => parseGraphSecrets('{"N": 1}', "s")).toThrow(/map variable names to strings: N/);
    expect(() => parseGraphSecrets('{"a-b": "x"}', "s")).toThrow(/not environment variable names: a-b/);
  });

  it("are loaded by the function bundles before any graph module is imported", () => {
    const config = readConfig("langgraph.json");
    for (const name of FUNCTION_NAMES) {
      const lines = entrySource(config, name, { schemas: {}, defaults: {} }).split("\n");
      const secrets = lines.findIndex((line) => line.includes("lib/config/graph-secrets-init.ts"));
      const firstGraph = lines.findIndex((line) => /^import \* as graph\d+ from/.test(line));
      expect(secrets).toBeGreaterThan(-1);
      expect(firstGraph).toBeGreaterThan(secrets);
    }
  }, 120_000);
});
