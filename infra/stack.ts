import { Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { LangGraphTables, type LangGraphTablesProps } from "./tables.js";

export interface LambdaGraphStackProps extends StackProps {
  tables?: LangGraphTablesProps;
}

/** The deployable stack. So far: the tables; the API and worker functions come with the AWS issue. */
export class LambdaGraphStack extends Stack {
  readonly tables: LangGraphTables;

  constructor(scope: Construct, id: string, props: LambdaGraphStackProps = {}) {
    super(scope, id, props);
    this.tables = new LangGraphTables(this, "Tables", props.tables);
  }
}
