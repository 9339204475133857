/**
 * The LangGraphPlatform construct as a CDK app embeds it: several in one stack, outputs left to the app's stack,
 * and no side effects while the app is constructed (files, process.env); its functions bundled in CDK's bundling step.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { App, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { afterAll, describe, expect, it } from "vitest";
import { LangGraphPlatform } from "../../infra/platform.js";
import { LambdaGraphStack } from "../../infra/stack.js";
import { TABLES, TABLE_IDS } from "../../lib/tables/definitions.js";

const PROJECT = resolve("test/infra/fixtures/project"); // one graph; `env` names a .env file
const CONFIG = join(PROJECT, "langgraph.json");
const ENV_FILE_VAR = "LAMBDAGRAPH_CONSTRUCT_FIXTURE_VAR";
const env = { account: "123456789012", region: "us-east-1" };
const skipBundling = { "aws:cdk:bundling-stacks": [] };
const outdirs: string[] = [];
afterAll(() => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const nodeFunctions = (t: Template) =>
  Object.values(t.findResources("AWS::Lambda::Function", { Properties: { Runtime: "nodejs22.x" } }));

/** Every file under `dir` with its size and modification time. */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((file) => {
      const stat = statSync(join(dir, file));
      return `${file} ${stat.size} ${stat.mtimeMs}`;
    })
    .sort();
}

describe("the LangGraphPlatform construct", () => {
  it("fits twice in one stack: distinct tables, queues, functions and URLs, each function wired to its own", () => {
    const stack = new Stack(new App({ context: skipBundling }), "TwoPlatforms", { env });
    const agents = new LangGraphPlatform(stack, "Agents", { config: CONFIG });
    const other = new LangGraphPlatform(stack, "Other", { config: CONFIG, auth: "iam" });
    const template = Template.fromStack(stack);

    expect(nodeFunctions(template)).toHaveLength(4);
    template.resourceCountIs("AWS::DynamoDB::GlobalTable", 2 * TABLE_IDS.length);
    template.resourceCountIs("AWS::SQS::Queue", 4);
    template.resourceCountIs("AWS::Lambda::Url", 2);
    expect(stack.resolve(agents.apiUrl)).not.toEqual(stack.resolve(other.apiUrl));
    expect(stack.resolve(agents.queue.queueUrl)).not.toEqual(stack.resolve(other.queue.queueUrl));
    for (const platform of [agents, other]) {
      const vars = (fn: { node: { defaultChild?: unknown } }) =>
        template.toJSON().Resources[stack.getLogicalId(fn.node.defaultChild as never)].Properties.Environment.Variables;
      for (const fn of [platform.api, platform.worker]) {
        for (const id of TABLE_IDS) expect(vars(fn)[TABLES[id].envVar]).toEqual(stack.resolve(platform.tableNames[id]));
      }
    }
    // The construct adds no outputs: the app's stack chooses them.
    expect(template.findOutputs("*")).toEqual({});
  });

  it("leaves outputs to the app's stack, which names the first platform's values", () => {
    const stack = new LambdaGraphStack(new App({ context: skipBundling }), "WithOutputs", {
      env,
      platform: { config: CONFIG },
    });
    const outputs = Template.fromStack(stack).findOutputs("*");
    expect(Object.keys(outputs).sort()).toEqual(["ApiKeySecretArn", "ApiUrl", "DeadLetterQueueUrl", "GraphSecretsArn"]);
    expect(outputs.ApiUrl.Value).toEqual(stack.resolve(stack.platform.apiUrl));
    expect(outputs.DeadLetterQueueUrl.Value).toEqual(stack.resolve(stack.platform.deadLetterQueue.queueUrl));
  });

  it("writes no file and changes no environment variable while the app is constructed and synthesized", () => {
    const before = { files: listing(PROJECT), env: { ...process.env } };
    const cwd = process.cwd();
    process.chdir(PROJECT); // a user's project, config named relative to it
    try {
      const app = new App({ context: skipBundling, outdir: mkdtempSync(join(tmpdir(), "lambdagraph-cdk-")) });
      outdirs.push(app.outdir);
      new LambdaGraphStack(app, "NoSideEffects", { env, platform: { config: "langgraph.json" } });
      app.synth();
    } finally {
      process.chdir(cwd);
    }
    expect(listing(PROJECT)).toEqual(before.files);
    expect(process.env[ENV_FILE_VAR]).toBeUndefined(); // langgraph.json `env` is for the graphs, never the synth
    expect(process.env).toEqual(before.env);
  });

  it("bundles both functions in CDK's bundling step, locally and offline", () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), "lambdagraph-cdk-")) });
    outdirs.push(app.outdir);
    const stack = new LambdaGraphStack(app, "Bundled", { env, platform: { config: CONFIG } });
    const assembly = app.synth();
    const manifest = JSON.parse(readFileSync(join(assembly.directory, `${stack.artifactId}.assets.json`), "utf8")) as {
      files: Record<string, { source: { path: string; packaging?: string } }>;
    };
    const assets = Object.values(manifest.files)
      .filter((file) => file.source.packaging === "zip")
      .map((file) => file.source.path);
    expect(assets).toHaveLength(2);
    for (const asset of assets) {
      const dir = join(assembly.directory, asset);
      expect(readdirSync(dir)).toEqual(["index.mjs"]); // handler index.handler; no generated entry left behind
      expect(statSync(join(dir, "index.mjs")).size).toBeGreaterThan(100_000);
    }
    expect(existsSync(join(PROJECT, ".lambdagraph"))).toBe(false);
  }, 600_000);
});
