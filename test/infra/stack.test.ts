/** The synthesized CloudFormation template (bundling skipped: the bundles have their own test). */
import { App } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { ENV } from "../../lib/config/env.js";
import { TABLES, TABLE_IDS } from "../../lib/tables/definitions.js";
import { LambdaGraphStack } from "../../infra/stack.js";
import { CRON_TICK_EVENT } from "../../lib/runs/cron-tick.js";

let template: Template;
let iamOnly: Template;

function synth(auth?: "apiKey" | "iam" | "none", corsOrigins?: string[]) {
  const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
  const stack = new LambdaGraphStack(app, `Test${auth ?? ""}`, {
    env: { account: "123456789012", region: "us-east-1" },
    platform: { config: "langgraph.json", auth, corsOrigins, buildDir: ".lambdagraph/test-build" },
  });
  return Template.fromStack(stack);
}

beforeAll(() => {
  template = synth();
  iamOnly = synth("iam", ["https://app.example.com"]);
}, 120_000);

describe("the CDK stack", () => {
  it("serves the API from a function URL in RESPONSE_STREAM mode, public but keyed by default", () => {
    template.hasResourceProperties("AWS::Lambda::Url", { InvokeMode: "RESPONSE_STREAM", AuthType: "NONE" });
    iamOnly.hasResourceProperties("AWS::Lambda::Url", { InvokeMode: "RESPONSE_STREAM", AuthType: "AWS_IAM" });
    template.resourceCountIs("AWS::SecretsManager::Secret", 1);
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ [ENV.apiKeySecretArn]: Match.anyValue() }) },
    });
    iamOnly.resourceCountIs("AWS::SecretsManager::Secret", 0);
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
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", { FunctionResponseTypes: ["ReportBatchItemFailures"], BatchSize: 1 });
    template.hasResourceProperties("AWS::SQS::Queue", {
      FifoQueue: true,
      VisibilityTimeout: 6 * 15 * 60,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
    });
    template.resourceCountIs("AWS::SQS::Queue", 2);
    template.hasResourceProperties("AWS::CloudWatch::Alarm", { MetricName: "ApproximateNumberOfMessagesVisible", Threshold: 1 });
  });

  it("declares every table from lib/tables/definitions.ts, on demand, with point-in-time recovery and TTL", () => {
    const tables = Object.values(template.findResources("AWS::DynamoDB::GlobalTable"));
    expect(tables).toHaveLength(TABLE_IDS.length);
    for (const table of tables) {
      expect(table.Properties.BillingMode).toBe("PAY_PER_REQUEST");
      expect(table.Properties.Replicas[0].PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.DeletionPolicy).toBe("Retain");
    }
    const withTtl = tables.filter((t) => t.Properties.TimeToLiveSpecification?.AttributeName === "expires_at");
    expect(withTtl).toHaveLength(TABLE_IDS.filter((id) => TABLES[id].ttlAttribute).length);
  });

  it("grants no IAM permission on every resource ('*') for tables, queues or secrets", () => {
    for (const policy of Object.values(template.findResources("AWS::IAM::Policy"))) {
      for (const statement of policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]) {
        const actions = ([] as string[]).concat(statement.Action);
        if (actions.some((a) => /^(dynamodb|sqs|secretsmanager):/.test(a))) {
          expect(JSON.stringify(statement.Resource)).not.toBe('"*"');
          for (const resource of ([] as unknown[]).concat(statement.Resource)) expect(resource).not.toBe("*");
        }
      }
    }
  });
});
