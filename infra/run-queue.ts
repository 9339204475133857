import { Duration } from "aws-cdk-lib";
import { Alarm, ComparisonOperator, TreatMissingData } from "aws-cdk-lib/aws-cloudwatch";
import { DeduplicationScope, FifoThroughputLimit, Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

export interface RunQueueProps {
  /** The worker function's timeout: the visibility timeout is 6× it, as AWS advises for event sources. */
  workerTimeout: Duration;
  /** Deliveries before a message goes to the dead-letter queue. Default 5. */
  maxReceiveCount?: number;
}

/**
 * The queue of run messages: SQS FIFO, grouped by thread id (MessageGroupId), so each thread's runs reach the
 * worker one at a time and in order while different threads run in parallel. Messages that keep failing go
 * to a FIFO dead-letter queue, and an alarm fires as soon as one lands there.
 *
 * High-throughput FIFO: the throughput limit applies per message group (per thread, 300 messages a second) instead of
 * to the whole queue (300 sends a second without batching), so runs started per second scale with threads, up to
 * the regional high-throughput quota (tens of thousands of sends a second). Deduplication per group is enough: every
 * run message's deduplication id holds its run id (lib/runs/sqs-queue.ts), unique across groups.
 */
export class RunQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly deadLetterAlarm: Alarm;

  constructor(scope: Construct, id: string, props: RunQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, "DeadLetters", {
      fifo: true,
      retentionPeriod: Duration.days(14),
      encryption: QueueEncryption.SQS_MANAGED,
    });
    this.queue = new Queue(this, "Runs", {
      fifo: true,
      contentBasedDeduplication: false,
      deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      visibilityTimeout: Duration.seconds(props.workerTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      encryption: QueueEncryption.SQS_MANAGED,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 5 },
    });
    this.deadLetterAlarm = new Alarm(this, "DeadLetterAlarm", {
      alarmDescription: "A run message failed repeatedly and was moved to the dead-letter queue.",
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
