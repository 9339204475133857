/** This project's AWS deployment: `npx cdk deploy` (cdk.json runs this file). */
import { App, Stack } from "aws-cdk-lib";
import { LangGraphPlatform } from "lambdagraph/cdk";

const app = new App();
const stack = new Stack(app, "MyAgents", {
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION ?? "us-east-1" },
});
new LangGraphPlatform(stack, "Agents", {
  config: "./langgraph.json",
  corsOrigins: ["https://smith.langchain.com"], // LangGraph Studio may call the API from the browser
});
