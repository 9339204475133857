/**
 * `lambdagraph/cdk`, what a user's CDK app imports:
 *   new LangGraphPlatform(this, "Agents", { config: "./langgraph.json" })
 * (aws-cdk-lib and constructs are the app's own: peer dependencies of the package.)
 */
export { LangGraphPlatform, type LangGraphPlatformProps, type ApiAuth } from "./platform.js";
