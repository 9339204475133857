/**
 * The worker function: executes runs from the queue, one message at a time. Its once-a-minute tick (crons due,
 * runs whose worker died) is cron-tick.ts.
 */
import { Function as LambdaFunction } from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type { Construct } from "constructs";
import { grantPlatformAccess, platformFunctionProps, type PlatformFunctionProps } from "./platform-function.js";

export type WorkerFunctionProps = PlatformFunctionProps;

export class WorkerFunction extends LambdaFunction {
  constructor(scope: Construct, id: string, props: WorkerFunctionProps) {
    super(scope, id, platformFunctionProps("worker", "lambdagraph worker: executes runs from the queue", props));
    grantPlatformAccess(this, props);
    this.addEventSource(new SqsEventSource(props.runQueue, { batchSize: 1, reportBatchItemFailures: true }));
  }
}
