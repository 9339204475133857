/** The synthesized CloudFormation template (bundling skipped: the bundles have their own test). */
import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { ENV, OPTION_ENV } from "../../lib/config/env.js";
import type { LangGraphPlatformProps } from "../../infra/platform.js";
import { TABLES, TABLE_IDS } from "../../lib/tables/definitions.js";
import { LambdaGraphStack } from "../../infra/stack.js";
import { CRON_TICK_EVENT } from "../../lib/runs/cron-tick.js";

let template: Template;
let iamOnly: Template;
let configured: Template;

function synth(auth?: "apiKey" | "iam" | "none", corsOrigins?: string[], more: LangGraphPlatformProps = {}) {
  const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
  const stack = new LambdaGraphStack(app, `Test${auth ?? ""}${more.config ? "Configured" : ""}`, {
    env: { account: "123456789012", region: "us-east-1" },
    platform: { config: "langgraph.json", auth, corsOrigins, ...more },
  });
  return Template.fromStack(stack);
}

/** A langgraph.json with `env` values, checkpointer and store TTLs. */
const DEPLOY_FIXTURE = "test/hardening/fixtures/deploy/langgraph.json";
const FIXTURE_ENV_VALUE = "sk-fixture-value-that-must-not-reach-the-template";
const EXISTING_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:my-graph-keys-AbCdEf";

beforeAll(() => {
  template = synth();
  iamOnly = synth("iam", ["https://app.example.com"], { graphSecrets: EXISTING_SECRET });
  configured = synth(undefined, undefined, {
    config: DEPLOY_FIXTURE,
    timing: {
      eventPollMs: 250,
      eventFlushMs: 80,
      cancelPollMs: 2000,
      heartbeatMs: 10_000,
      leaseMs: 60_000,
      handBackAtStepMs: 120_000,
      handBackNowMs: 30_000,
    },
    foregroundRuns: false,
  });
}, 180_000);

const functionEnvironments = (t: Template) =>
  Object.values(t.findResources("AWS::Lambda::Function", { Properties: { Runtime: "nodejs22.x" } })).map(
    (fn) => fn.Properties.Environment.Variables as Record<string, unknown>,
  );

describe("the CDK stack", () => {
  it("serves the API from a function URL in RESPONSE_STREAM mode, public but keyed by default", () => {
    template.hasResourceProperties("AWS::Lambda::Url", { InvokeMode: "RESPONSE_STREAM", AuthType: "NONE" });
    iamOnly.hasResourceProperties("AWS::Lambda::Url", { InvokeMode: "RESPONSE_STREAM", AuthType: "AWS_IAM" });
    template.resourceCountIs("AWS::SecretsManager::Secret", 2); // the API key, and the graphs' environment
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ [ENV.apiKeySecretArn]: Match.anyValue() }) },
    });
    iamOnly.resourceCountIs("AWS::SecretsManager::Secret", 0); // no key, and an existing secret for the graphs
    template.hasOutput("ApiUrl", {});
  });

  it("answers CORS only for the listed origins, with the headers the SDK sends and reads; never '*'", () => {
    iamOnly.hasResourceProperties("AWS::Lambda::Url", {
      Cors: {
        AllowOrigins: ["https://app.example.com"],
        AllowHeaders: Match.arrayWith(["content-type", "x-api-key", "last-event-id"]),
        ExposeHeaders: Match.arrayWith(["content-location"]),
      },
    });
    template.hasResourceProperties("AWS::Lambda::Url", { Cors: Match.absent() });
    expect(() => synth("none", ["*"])).toThrow(/corsOrigins "\*"/);
  });

  it("takes the function URL's CORS from langgraph.json http.cors (listed origins only)", () => {
    const extensions = {
      config: "test/compat/graphs/extensions/langgraph.json",
    };
    synth("none", undefined, extensions).hasResourceProperties("AWS::Lambda::Url", {
      Cors: {
        AllowOrigins: ["https://app.example.com"],
        AllowCredentials: true,
        MaxAge: 60,
        ExposeHeaders: ["x-request-stamp", "content-location", "x-pagination-total"],
      },
    });
  }, 120_000);

  it("ticks the worker once a minute from EventBridge Scheduler to start due crons", () => {
    template.hasResourceProperties("AWS::Scheduler::Schedule", {
      ScheduleExpression: "rate(1 minute)",
      Target: Match.objectLike({ Input: JSON.stringify(CRON_TICK_EVENT) }),
    });
  });

  it("runs both functions on Node.js 22, arm64, with table and queue names in the environment and logs retained", () => {
    const functions = template.findResources("AWS::Lambda::Function", { Properties: { Runtime: "nodejs22.x" } });
    expect(Object.keys(functions)).toHaveLength(2);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties.Architectures).toEqual(["arm64"]);
      const vars = Object.keys(fn.Properties.Environment.Variables);
      expect(vars).toEqual(expect.arrayContaining([...TABLE_IDS.map((id) => TABLES[id].envVar), ENV.runQueueUrl]));
    }
    template.resourcePropertiesCountIs("AWS::Logs::LogGroup", { RetentionInDays: 30 }, 2);
  });

  it("feeds the worker from a FIFO queue with partial batch failures, a dead-letter queue, and an alarm on it", () => {
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      BatchSize: 1,
    });
    template.hasResourceProperties("AWS::SQS::Queue", {
      FifoQueue: true,
      FifoThroughputLimit: "perMessageGroupId", // high-throughput FIFO: the limit is per thread, not per queue
      DeduplicationScope: "messageGroup",
      VisibilityTimeout: 6 * 15 * 60,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
    });
    template.resourceCountIs("AWS::SQS::Queue", 2);
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: "ApproximateNumberOfMessagesVisible",
      Threshold: 1,
    });
  });

  it("declares every table from lib/tables/definitions.ts, on demand, with point-in-time recovery and TTL", () => {
    const tables = Object.values(template.findResources("AWS::DynamoDB::GlobalTable"));
    expect(tables).toHaveLength(TABLE_IDS.length);
    for (const table of tables) {
      expect(table.Properties.BillingMode).toBe("PAY_PER_REQUEST");
      expect(table.Properties.Replicas[0].PointInTimeRecoverySpecification).toEqual({
        PointInTimeRecoveryEnabled: true,
      });
      expect(table.DeletionPolicy).toBe("Retain");
    }
    const withTtl = tables.filter((t) => t.Properties.TimeToLiveSpecification?.AttributeName === "expires_at");
    expect(withTtl).toHaveLength(TABLE_IDS.filter((id) => TABLES[id].ttlAttribute).length);
  });

  it("grants no IAM permission on every resource ('*') for tables, queues or secrets", () => {
    for (const policy of Object.values(template.findResources("AWS::IAM::Policy"))) {
      for (const statement of policy.Properties.PolicyDocument.Statement as {
        Action: string | string[];
        Resource: unknown;
      }[]) {
        const actions = ([] as string[]).concat(statement.Action);
        if (actions.some((a) => /^(dynamodb|sqs|secretsmanager):/.test(a))) {
          expect(JSON.stringify(statement.Resource)).not.toBe('"*"');
          for (const resource of ([] as unknown[]).concat(statement.Resource)) expect(resource).not.toBe("*");
        }
      }
    }
  });

  it("passes the construct's timing options to both functions as environment variables", () => {
    for (const vars of functionEnvironments(configured)) {
      expect(vars).toMatchObject({
        [OPTION_ENV.eventPollMs]: "250",
        [OPTION_ENV.eventFlushMs]: "80",
        [OPTION_ENV.cancelPollMs]: "2000",
        [OPTION_ENV.heartbeatMs]: "10000",
        [OPTION_ENV.leaseMs]: "60000",
        [OPTION_ENV.handBackAtStepMs]: "120000",
        [OPTION_ENV.handBackNowMs]: "30000",
      });
    }
    for (const vars of functionEnvironments(template))
      for (const name of Object.values(OPTION_ENV)) expect(vars).not.toHaveProperty(name);
  });

  it("runs streamed and waited runs in the API function unless the construct's foregroundRuns says otherwise", () => {
    for (const vars of functionEnvironments(configured)) expect(vars[ENV.foregroundRuns]).toBe("false");
    for (const vars of functionEnvironments(template)) expect(vars).not.toHaveProperty(ENV.foregroundRuns);
  });

  it("gives both functions the graphs' secret (created, or an existing one), and never langgraph.json env values", () => {
    expect(JSON.stringify(configured.toJSON())).not.toContain(FIXTURE_ENV_VALUE);
    configured.resourceCountIs("AWS::SecretsManager::Secret", 2);
    configured.hasResourceProperties("AWS::SecretsManager::Secret", { SecretString: "{}" });
    configured.hasOutput("GraphSecretsArn", {});
    for (const vars of functionEnvironments(configured))
      expect(vars[ENV.graphSecretsArn]).toEqual({ Ref: expect.stringMatching(/GraphSecrets/) });
    for (const vars of functionEnvironments(iamOnly)) expect(vars[ENV.graphSecretsArn]).toBe(EXISTING_SECRET);
    // Both functions' roles may read it.
    const readers = Object.values(configured.findResources("AWS::IAM::Policy")).filter((policy) =>
      (policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]).some(
        (st) =>
          ([] as string[]).concat(st.Action).includes("secretsmanager:GetSecretValue") &&
          JSON.stringify(st.Resource).includes("GraphSecrets"),
      ),
    );
    expect(readers).toHaveLength(2);
  });

  it("passes langgraph.json checkpointer.ttl and store.ttl to both functions", () => {
    for (const vars of functionEnvironments(configured)) {
      expect(JSON.parse(vars[ENV.checkpointerTtl] as string)).toMatchObject({ strategy: "delete", default_ttl: 43200 });
      expect(JSON.parse(vars[ENV.storeTtl] as string)).toMatchObject({ default_ttl: 10080, refresh_on_read: false });
    }
    for (const vars of functionEnvironments(template)) expect(vars).not.toHaveProperty(ENV.checkpointerTtl);
  });
});
