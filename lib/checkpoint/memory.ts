/**
 * What a DynamoDBSaver remembers between calls, bounded (oldest forgotten first):
 * - `HeadLocs`: the `loc` of recently read or written heads, so put() rarely has to read its parent's;
 * - `RunLatest`: by run, the last root checkpoint it put (as getTuple would read it back) and the root checkpoints
 *   it put writes against, until the run takes it (the worker's state read after a run);
 * - `ThreadLatest`: by thread, its latest root checkpoint as of one version of its thread item, serialized, until a
 *   foreground run starts from it (lib/services/foreground-runs.ts).
 */
import type { CheckpointTuple } from "@langchain/langgraph-checkpoint";
import type { Part } from "./payload.js";

const LIMIT = 1_000;

/** channel -> [version, source checkpoint id ("" = blob item), expires_at (0 = never)] */
export type Loc = Record<string, [string, string, number]>;

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > LIMIT) map.delete(map.keys().next().value!);
}

export class HeadLocs {
  private readonly locs = new Map<string, Loc>();

  get(threadId: string, ns: string, checkpointId: string): Loc | undefined {
    return this.locs.get(locKey(threadId, ns, checkpointId));
  }

  set(threadId: string, ns: string, checkpointId: string, loc: Loc): void {
    remember(this.locs, locKey(threadId, ns, checkpointId), loc);
  }

  forgetThread(threadId: string): void {
    for (const key of [...this.locs.keys()]) if (key.startsWith(`${threadId}\u0000`)) this.locs.delete(key);
  }
}

function locKey(threadId: string, ns: string, checkpointId: string): string {
  return [threadId, ns, checkpointId].join("\u0000");
}

interface OfRun {
  last?: CheckpointTuple;
  withWrites: Set<string>;
}

export class RunLatest {
  private readonly byRun = new Map<string, OfRun>();

  /** Records `tuple` as `runId`'s last root checkpoint, unless it already put a later one. */
  put(runId: unknown, tuple: () => CheckpointTuple, checkpointId: string): void {
    const ofRun = this.of(runId);
    if (ofRun && !(ofRun.last && ofRun.last.checkpoint.id > checkpointId)) ofRun.last = tuple();
  }

  /** Records that `runId` put writes against the root checkpoint `checkpointId`. */
  wrote(runId: unknown, checkpointId: string): void {
    this.of(runId)?.withWrites.add(checkpointId);
  }

  /** The last root checkpoint `runId` put, unless writes were put against it; then forgotten. */
  take(runId: string): CheckpointTuple | undefined {
    const ofRun = this.byRun.get(runId);
    this.byRun.delete(runId);
    return ofRun?.last && !ofRun.withWrites.has(ofRun.last.checkpoint.id) ? ofRun.last : undefined;
  }

  forget(runId: string): void {
    this.byRun.delete(runId);
  }

  private of(runId: unknown): OfRun | undefined {
    if (typeof runId !== "string") return undefined;
    let entry = this.byRun.get(runId);
    if (!entry) remember(this.byRun, runId, (entry = { withWrites: new Set() }));
    return entry;
  }
}

/** A thread's latest root checkpoint while its thread item reads `version` (its `updated_at`). */
export interface KnownLatest {
  version: string;
  /** The checkpoint (without values), its metadata and each value (`v:<channel>`), as put() dumps them; null: none. */
  parts: Part[] | null;
  checkpointId?: string;
  parentId?: string;
  /** Not to be used after this time (ms): its items may have expired by then (the saver's TTL). */
  until: number;
}

const THREAD_LATEST_BYTES = 32 * 1024 * 1024;

export class ThreadLatest {
  private readonly byThread = new Map<string, { entry: KnownLatest; bytes: number }>();
  private bytes = 0;

  /** Remembers `entry` for `threadId`; one above an eighth of the bound is not kept (nor what it replaces). */
  set(threadId: string, entry: KnownLatest): void {
    this.forget(threadId);
    const bytes = (entry.parts ?? []).reduce((n, part) => n + part.bytes.byteLength, 0);
    if (bytes > THREAD_LATEST_BYTES / 8) return;
    this.byThread.set(threadId, { entry, bytes });
    this.bytes += bytes;
    while (this.bytes > THREAD_LATEST_BYTES || this.byThread.size > LIMIT)
      this.forget(this.byThread.keys().next().value!);
  }

  /** The entry of `threadId` if it is for `version` and still good; forgotten either way. */
  take(threadId: string, version: string): KnownLatest | undefined {
    const entry = this.byThread.get(threadId)?.entry;
    this.forget(threadId);
    return entry && entry.version === version && entry.until > Date.now() ? entry : undefined;
  }

  forget(threadId: string): void {
    const kept = this.byThread.get(threadId);
    if (!kept) return;
    this.byThread.delete(threadId);
    this.bytes -= kept.bytes;
  }
}
