/**
 * The saver's writes by run (`configurable.run_id`): which are under way, so a stopped run's last checkpoint can be
 * awaited, and which runs are fenced, so a graph still unwinding after a rollback cannot write behind it.
 */

/** How long a rolled-back run's late writes are dropped. */
const FENCE_MS = 15 * 60_000;

export class RunWrites {
  private readonly inflight = new Map<string, Set<Promise<unknown>>>();
  private readonly fenced = new Set<string>();

  isFenced(runId: string | undefined): boolean {
    return runId !== undefined && this.fenced.has(runId);
  }

  /** `work`, counted as under way for `runId` until it settles. */
  track<T>(runId: string | undefined, work: Promise<T>): Promise<T> {
    if (!runId) return work;
    let set = this.inflight.get(runId);
    if (!set) this.inflight.set(runId, (set = new Set()));
    set.add(work);
    const done = () => {
      set!.delete(work);
      if (set!.size === 0) this.inflight.delete(runId);
    };
    work.then(done, done);
    return work;
  }

  /** Resolves when every write of `runId` under way has finished. */
  async settle(runId: string): Promise<void> {
    while (this.inflight.get(runId)?.size) await Promise.allSettled([...this.inflight.get(runId)!]);
  }

  /** Drops every later write of `runId` (for FENCE_MS), and resolves once those under way have finished. */
  async fence(runId: string): Promise<void> {
    this.fenced.add(runId);
    setTimeout(() => this.fenced.delete(runId), FENCE_MS).unref();
    await this.settle(runId);
  }
}
