import type { RunMessage, RunQueue } from "../../lib/runs/queue.js";

/** A queue that only records what is sent (what would go to SQS); nothing is executed. */
export class RecordingQueue implements RunQueue {
  sent: RunMessage[] = [];
  async send(message: RunMessage): Promise<void> {
    this.sent.push(message);
  }
}
