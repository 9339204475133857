/**
 * Once a minute (EventBridge Scheduler) the worker starts the cron occurrences that are due (lib/services/crons.ts)
 * and sends again the runs whose lease ran out (lib/runs/sweep.ts: a crashed worker's run resumes within about two
 * minutes).
 */
import { Duration } from "aws-cdk-lib";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { Schedule, ScheduleExpression, ScheduleTargetInput } from "aws-cdk-lib/aws-scheduler";
import { LambdaInvoke } from "aws-cdk-lib/aws-scheduler-targets";
import type { Construct } from "constructs";
import { CRON_TICK_EVENT } from "../lib/runs/cron-tick.js";

export class CronTick extends Schedule {
  constructor(scope: Construct, id: string, props: { worker: IFunction }) {
    super(scope, id, {
      description: "lambdagraph: start due cron runs, resume runs whose worker died",
      schedule: ScheduleExpression.rate(Duration.minutes(1)),
      target: new LambdaInvoke(props.worker, {
        input: ScheduleTargetInput.fromObject(CRON_TICK_EVENT),
        retryAttempts: 0,
      }),
    });
  }
}
