import type { StreamEvent } from "./event-log.js";

/**
 * In-process fan-out of a run's events, the moment they are produced — before they are persisted in batches.
 * A reader in the process that runs the graph (always the case under `npm start`) follows the run here with
 * no polling; readers anywhere else tail the event log in DynamoDB. Either way they see the same ids.
 */
interface Entry {
  /** Every event of the run since seq `from`, when a writer in this process owns the run. */
  events: StreamEvent[];
  from: number;
  owned: boolean;
  ended: boolean;
  waiters: Set<() => void>;
  dropTimer?: NodeJS.Timeout;
}

/** How long a finished run's events stay in memory for late joiners in this process. */
const RETAIN_MS = 60_000;

export class LiveHub {
  private readonly entries = new Map<string, Entry>();

  /** Called by the run's writer before its first event. */
  own(runId: string, firstSeq: number): void {
    const entry = this.entry(runId);
    clearTimeout(entry.dropTimer);
    entry.events = [];
    entry.from = firstSeq;
    entry.owned = true;
    entry.ended = false;
    this.wake(entry); // readers polling the log switch to following memory
  }

  /** The run continues elsewhere (handed back to the queue): local readers go back to reading the log. */
  disown(runId: string): void {
    const entry = this.entries.get(runId);
    if (!entry) return;
    entry.owned = false;
    entry.events = [];
    this.wake(entry);
  }

  publish(runId: string, event: StreamEvent): void {
    const entry = this.entry(runId);
    if (entry.owned) entry.events.push(event);
    this.wake(entry);
  }

  end(runId: string): void {
    const entry = this.entries.get(runId);
    if (!entry) return;
    entry.ended = true;
    this.wake(entry);
    entry.dropTimer = setTimeout(() => this.entries.delete(runId), RETAIN_MS);
    entry.dropTimer.unref();
  }

  /**
   * Events after `afterSeq` if this process owns the run and still holds them all; undefined otherwise
   * (then read the log). `ended` is true once the run's last event was published.
   */
  since(runId: string, afterSeq: number): { events: StreamEvent[]; ended: boolean } | undefined {
    const entry = this.entries.get(runId);
    if (!entry?.owned || afterSeq + 1 < entry.from) return undefined;
    return { events: entry.events.filter((e) => e.id > afterSeq), ended: entry.ended };
  }

  /** Resolves on the run's next event (or end), or after `timeoutMs`. */
  wait(runId: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const entry = this.entry(runId);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        entry.waiters.delete(done);
        signal?.removeEventListener("abort", done);
        if (!entry.owned && entry.waiters.size === 0 && !entry.dropTimer) this.entries.delete(runId);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      entry.waiters.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  private wake(entry: Entry): void {
    for (const waiter of [...entry.waiters]) waiter();
  }

  private entry(runId: string): Entry {
    let entry = this.entries.get(runId);
    if (!entry) {
      entry = { events: [], from: 0, owned: false, ended: false, waiters: new Set() };
      this.entries.set(runId, entry);
    }
    return entry;
  }
}
