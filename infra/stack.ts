import { RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { LangGraphPlatform, type LangGraphPlatformProps } from "./platform.js";

export interface LambdaGraphStackProps extends StackProps {
  platform?: LangGraphPlatformProps;
}

/** The deployable stack: one LangGraphPlatform. */
export class LambdaGraphStack extends Stack {
  readonly platform: LangGraphPlatform;

  constructor(scope: Construct, id: string, props: LambdaGraphStackProps = {}) {
    super(scope, id, props);
    this.platform = new LangGraphPlatform(this, "LangGraph", props.platform);
  }
}

export { RemovalPolicy };
