/**
 * Write-behind for the checkpoint writes of a run under way (the worker opens it for the run, and closes it before
 * it records the run's outcome): a task's pending writes are held in memory, and each checkpoint is written together
 * with the writes held before it, in one BatchWriteItem — one request per superstep instead of one per write. A
 * crash loses at most the writes of the superstep under way, which the resumed run executes again (as it does
 * without them: a resume restarts from the last checkpoint stored). The run's input checkpoint is held too, and goes
 * with the first step's checkpoint (a run that crashes before that restarts from its input).
 *
 * Held items are written in waves, so nothing points at an item not yet stored: payload chunks, then large values
 * (blob items), then checkpoint heads and pending writes. A run's flushes run one after another.
 *
 * Pending writes that go through here are put without the condition the saver's own putWrites has (regular writes
 * kept as first written): items of one run are deduplicated here (the first regular write of a key is kept, the
 * last special one), and two workers never run the same run at once (the run's lease; a worker that lost it stops).
 */
import type { Key } from "./keys.js";
import type { CheckpointTable, Item } from "./table.js";

interface RunBuffer {
  /** Held items by key (`pk\0sk`), in the order they were added. */
  items: Map<string, Item>;
  /** The flush under way (or settled), which the next one follows. */
  flushing: Promise<void>;
}

const keyOf = (item: Key) => `${item.pk}\u0000${item.sk}`;

/** 0: payload chunks (cx#, bx#, wx#); 1: large values (bl#); 2: checkpoint heads and pending writes. */
const wave = (sk: string) => (sk[1] === "x" ? 0 : sk.startsWith("bl#") ? 1 : 2);

export class WriteBehind {
  private readonly runs = new Map<string, RunBuffer>();

  constructor(private readonly table: CheckpointTable) {}

  /** From now on the writes of `runId` are held (see add) until flushed. */
  open(runId: string): void {
    if (!this.runs.has(runId)) this.runs.set(runId, { items: new Map(), flushing: Promise.resolve() });
  }

  isOpen(runId: string | undefined): runId is string {
    return runId !== undefined && this.runs.has(runId);
  }

  /** Holds `items` for `runId`. With `keepFirst`, an item already held under the same key is kept. */
  add(runId: string, items: Item[], options: { keepFirst?: boolean } = {}): void {
    const held = this.runs.get(runId)!.items;
    for (const item of items) {
      const key = keyOf(item as Key);
      if (options.keepFirst && held.has(key)) continue;
      held.delete(key); // a replaced item moves to the end: it is written after what it may point at
      held.set(key, item);
    }
  }

  /** Writes what `runId` holds, after its earlier flushes; rejects when this or an earlier flush failed. */
  flush(runId: string | undefined): Promise<void> {
    const buffer = runId === undefined ? undefined : this.runs.get(runId);
    if (!buffer) return Promise.resolve();
    const items = [...buffer.items.values()];
    buffer.items = new Map();
    buffer.flushing = buffer.flushing.then(() => this.write(items));
    return buffer.flushing;
  }

  /** Flushes what `runId` holds and stops holding its writes. */
  async close(runId: string): Promise<void> {
    try {
      await this.flush(runId);
    } finally {
      this.runs.delete(runId);
    }
  }

  /** Forgets what `runId` holds, unwritten (a rolled-back run), and stops holding its writes. */
  drop(runId: string): void {
    this.runs.delete(runId);
  }

  private async write(items: Item[]): Promise<void> {
    for (const w of [0, 1, 2]) {
      const inWave = items.filter((item) => wave(item.sk) === w);
      if (inWave.length > 0) await this.table.putAll(inWave);
    }
  }
}
