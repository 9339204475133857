/**
 * `npx cdk deploy` entry. Context (cdk.json or -c key=value):
 *   config=path/to/langgraph.json   auth=apiKey|iam|none   removal=retain|destroy   stackName=LambdaGraph
 *   corsOrigins=https://app.example.com,https://other.example.com   (pages allowed to call the API from a browser)
 */
import { App, RemovalPolicy } from "aws-cdk-lib";
import { LambdaGraphStack } from "./stack.js";
import type { ApiAuth } from "./platform.js";

const app = new App();
const context = (key: string) => app.node.tryGetContext(key) as string | undefined;

new LambdaGraphStack(app, context("stackName") ?? "LambdaGraph", {
  // An explicit environment keeps `cdk synth` offline: no account look-ups.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION ?? "us-east-1" },
  platform: {
    config: context("config") ?? "langgraph.json",
    auth: (context("auth") as ApiAuth | undefined) ?? "apiKey",
    corsOrigins: context("corsOrigins")?.split(",").map((origin) => origin.trim()).filter(Boolean),
    tables: { removalPolicy: context("removal") === "destroy" ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN },
  },
});
