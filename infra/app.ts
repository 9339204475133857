import { App } from "aws-cdk-lib";
import { LambdaGraphStack } from "./stack.js";

const app = new App();
new LambdaGraphStack(app, "LambdaGraph", {
  // An explicit environment keeps `cdk synth` offline: no account look-ups.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION ?? "us-east-1" },
});
