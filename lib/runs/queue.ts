/**
 * The hand-off from "a run was created" to "a worker executes it". On AWS this is SQS (FIFO, grouped by
 * thread); under `npm start` and in tests it is InProcessQueue. Delivery is at-least-once: the worker must
 * treat a duplicate message as a no-op (it does: claiming a run is a conditional pending → running write).
 */
import { log } from "../log/log.js";
export interface RunMessage {
  run_id: string;
  thread_id: string;
  /** Set when a run is handed back to the queue to continue (near a Lambda deadline). */
  attempt?: number;
  /** Epoch ms before which the run must not start (`after_seconds`). */
  not_before?: number;
  /**
   * Sent again by the sweep (lib/runs/sweep.ts) for a run whose worker died or whose message was lost: on SQS FIFO
   * it goes in a message group of its own, since the thread's group may be blocked by the dead worker's message.
   */
  redispatch?: boolean;
}

export interface RunQueue {
  send(message: RunMessage): Promise<void>;
}

/** Delivers each message to `consume` on the next turn of the event loop: no polling, no sleeping. */
export class InProcessQueue implements RunQueue {
  private consumer?: (message: RunMessage) => Promise<void>;
  private readonly inFlight = new Set<Promise<void>>();

  setConsumer(consume: (message: RunMessage) => Promise<void>): void {
    this.consumer = consume;
  }

  async send(message: RunMessage): Promise<void> {
    const consume = this.consumer;
    if (!consume) throw new Error("InProcessQueue: no consumer attached");
    // Round-trip through JSON, as SQS would: the worker must not depend on shared object identity.
    const copy = JSON.parse(JSON.stringify(message)) as RunMessage;
    const delivery = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => consume(copy))
      .catch((err) => {
        log.error("run message failed", { run_id: copy.run_id, error: String(err?.stack ?? err) });
      })
      .finally(() => this.inFlight.delete(delivery));
    this.inFlight.add(delivery);
  }

  /** Resolves when every delivered message has been handled (for clean shutdown and tests). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }
}
