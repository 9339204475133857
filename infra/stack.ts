import { CfnOutput, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { LangGraphPlatform, type LangGraphPlatformProps } from "./platform.js";

export interface LambdaGraphStackProps extends StackProps {
  platform?: LangGraphPlatformProps;
}

/** The deployable stack: one LangGraphPlatform, and its values as the stack's outputs. */
export class LambdaGraphStack extends Stack {
  readonly platform: LangGraphPlatform;

  constructor(scope: Construct, id: string, props: LambdaGraphStackProps = {}) {
    super(scope, id, props);
    const platform = new LangGraphPlatform(this, "LangGraph", props.platform);
    this.platform = platform;

    new CfnOutput(this, "ApiUrl", {
      value: platform.apiUrl,
      description: "Point the LangGraph SDK here: new Client({ apiUrl })",
    });
    if (platform.apiKey) {
      new CfnOutput(this, "ApiKeySecretArn", {
        value: platform.apiKey.secretArn,
        description: "aws secretsmanager get-secret-value --secret-id <this> --query SecretString --output text",
      });
    }
    new CfnOutput(this, "GraphSecretsArn", {
      value: platform.graphSecrets.secretArn,
      description:
        'aws secretsmanager put-secret-value --secret-id <this> --secret-string \'{"OPENAI_API_KEY":"sk-..."}\'',
    });
    new CfnOutput(this, "DeadLetterQueueUrl", { value: platform.deadLetterQueue.queueUrl });
  }
}

export { RemovalPolicy };
