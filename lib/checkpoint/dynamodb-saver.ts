/**
 * DynamoDBSaver: a LangGraph checkpointer on one DynamoDB table, split as the official savers are:
 * - ./keys.ts: the key schema (what each item is, and why this shape);
 * - ./payload.ts: how checkpoints, values and writes become bytes, compressed and chunked into items;
 * - ./table.ts: the table's reads and writes (strongly consistent, batched, heads deleted first);
 * - this file: the `BaseCheckpointSaver` contract (getTuple, list, put, putWrites, deleteThread);
 * - ./run-writes.ts, ./write-behind.ts: writes under way by run, fencing, and a run's writes stored per superstep;
 * - ./channel-items.ts, ./pending-writes.ts: the items of a put and of a putWrites call;
 * - ./values-elsewhere.ts: reading channel values a head does not inline (blob items, earlier heads);
 * - ./memory.ts: what the saver remembers between calls (heads' `loc`, each run's last checkpoint, threads' latest);
 * - ./maintenance.ts: copy, prune, metadata patch and rollback, which the platform adds to the contract.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import {
  BaseCheckpointSaver,
  TASKS,
  maxChannelVersion,
  compareWritesSortKeys,
  copyCheckpoint,
  writesSortKey,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointPendingWrite,
  type CheckpointTuple,
  type PendingWrite,
  type SerializerProtocol,
} from "@langchain/langgraph-checkpoint";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { headSk, parseHeadSk, type Key } from "./keys.js";
import { payloadItems, readPayload, writeItems, type Part } from "./payload.js";
import { CheckpointTable, type HeadWithWrites, type Item } from "./table.js";
import * as maintenance from "./maintenance.js";
import { matchesFilter, storedMetadata } from "./metadata.js";
import { RunWrites } from "./run-writes.js";
import { pendingWriteItems } from "./pending-writes.js";
import { channelItems } from "./channel-items.js";
import { HeadLocs, RunLatest, ThreadLatest, type Loc } from "./memory.js";
import { loadTyped } from "./plain-json.js";
import { readValuesElsewhere } from "./values-elsewhere.js";
import { WriteBehind } from "./write-behind.js";

export { BLOB_MIN_BYTES } from "./channel-items.js";

export interface DynamoDBSaverOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Items expire this many seconds after they were last written (DynamoDB TTL on `expires_at`). */
  ttlSeconds?: number;
  serde?: SerializerProtocol;
}

export class DynamoDBSaver extends BaseCheckpointSaver implements maintenance.MaintainedSaver {
  readonly table: CheckpointTable;
  private readonly ttlSeconds?: number;
  private readonly locs = new HeadLocs();
  private readonly runWrites = new RunWrites();
  private readonly runLatest = new RunLatest();
  private readonly threadLatest = new ThreadLatest();
  private readonly writeBehind: WriteBehind;

  constructor(options: DynamoDBSaverOptions) {
    super(options.serde);
    this.table = new CheckpointTable(options.client, options.tableName);
    this.ttlSeconds = options.ttlSeconds;
    this.writeBehind = new WriteBehind(this.table);
  }

  // ---------------------------------------------------------------- reads

  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const threadId: string | undefined = config.configurable?.thread_id;
    if (!threadId) return undefined;
    await this.writeBehind.flush(config.configurable?.run_id); // a read in a run first stores what the run holds
    const ns: string = config.configurable?.checkpoint_ns ?? "";
    const checkpointId: string | undefined = config.configurable?.checkpoint_id;
    const found = checkpointId
      ? await this.table.headWithWrites(threadId, headSk(ns, checkpointId))
      : await this.table.latestHead(threadId, ns);
    return found && !isExpired(found.head) ? this.loadTuple(found) : undefined;
  }

  async *list(config: RunnableConfig, options: CheckpointListOptions = {}): AsyncGenerator<CheckpointTuple> {
    const { before, filter } = options;
    let remaining = options.limit;
    if (remaining !== undefined && remaining <= 0) return;
    const threadId: string | undefined = config.configurable?.thread_id;
    await this.writeBehind.flush(config.configurable?.run_id);
    const ns: string | undefined = config.configurable?.checkpoint_ns;
    const onlyId: string | undefined = config.configurable?.checkpoint_id;
    const beforeId: string | undefined = before?.configurable?.checkpoint_id;

    for await (const found of this.table.heads(threadId, ns, beforeId)) {
      const { checkpointId } = parseHeadSk(found.head.sk);
      if (onlyId && checkpointId !== onlyId) continue;
      if (beforeId && checkpointId >= beforeId) continue;
      if (isExpired(found.head)) continue; // DynamoDB deletes expired items days later: they are gone already
      const tuple = await this.loadTuple(found);
      if (filter && !matchesFilter(tuple.metadata ?? {}, filter)) continue;
      yield tuple;
      if (remaining !== undefined && --remaining <= 0) return;
    }
  }

  private async loadTuple({ head, writes }: HeadWithWrites): Promise<CheckpointTuple> {
    const threadId: string = head.pk;
    const { ns, checkpointId } = parseHeadSk(head.sk);
    const loc: Loc = head.loc ?? {};
    const [parts, elsewhere, pendingWrites] = await Promise.all([
      readPayload(this.table, head),
      readValuesElsewhere(this.table, (part) => this.load(part), threadId, ns, checkpointId, loc),
      this.table.legacyWrites(head).then((legacy) => this.decodeWrites([...legacy, ...writes])),
    ]);
    const byName = new Map(parts.map((p) => [p.name, p]));
    const checkpoint = (await this.load(byName.get("checkpoint")!)) as Checkpoint;
    const metadata = (await this.load(byName.get("metadata")!)) as CheckpointMetadata;
    const channelValues: Record<string, unknown> = { ...elsewhere };
    for (const part of parts) {
      if (part.name.startsWith("v:")) channelValues[part.name.slice(2)] = await this.load(part);
    }
    checkpoint.channel_values = channelValues;
    if (checkpoint.v < 4 && head.parent) await this.migratePendingSends(checkpoint, threadId, ns, head.parent);
    this.locs.set(threadId, ns, checkpointId, loc);
    const tuple: CheckpointTuple = {
      config: { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: checkpointId } },
      checkpoint,
      metadata,
      pendingWrites,
    };
    if (head.parent) {
      tuple.parentConfig = { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: head.parent } };
    }
    return tuple;
  }

  /** Checkpoints of format v < 4 kept pending sends as writes to TASKS on the parent; newer ones as a channel. */
  private async migratePendingSends(
    checkpoint: Checkpoint,
    threadId: string,
    ns: string,
    parentId: string,
  ): Promise<void> {
    const parent = await this.table.headWithWrites(threadId, headSk(ns, parentId));
    const legacy = parent ? await this.table.legacyWrites(parent.head) : [];
    const parentWrites = await this.decodeWrites([...legacy, ...(parent?.writes ?? [])]);
    checkpoint.channel_values[TASKS] = parentWrites
      .filter(([, channel]) => channel === TASKS)
      .map(([, , value]) => value);
    const versions = Object.values(checkpoint.channel_versions);
    checkpoint.channel_versions[TASKS] =
      versions.length > 0 ? maxChannelVersion(...versions) : this.getNextVersion(undefined);
  }

  /** Pending writes from their items, in the order LangGraph applies them; the first of one task and index wins. */
  private async decodeWrites(items: Item[]): Promise<CheckpointPendingWrite[]> {
    const keyed: { key: ReturnType<typeof writesSortKey>; write: CheckpointPendingWrite }[] = [];
    const seen = new Set<string>();
    for (const item of items) {
      for (const part of await readPayload(this.table, item)) {
        const colon = part.name.indexOf(":");
        const idx = Number(part.name.slice(0, colon));
        const channel = part.name.slice(colon + 1);
        const id = `${item.task_id}\u0000${idx}`;
        if (seen.has(id)) continue;
        seen.add(id);
        keyed.push({
          key: writesSortKey(item.task_path ?? "", item.task_id, idx),
          write: [item.task_id, channel, await this.load(part)],
        });
      }
    }
    keyed.sort((a, b) => compareWritesSortKeys(a.key, b.key));
    return keyed.map((k) => k.write);
  }

  // ---------------------------------------------------------------- writes

  async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    const runId: string | undefined = config.configurable?.run_id;
    if (this.runWrites.isFenced(runId)) {
      return {
        configurable: {
          thread_id: config.configurable?.thread_id,
          checkpoint_ns: config.configurable?.checkpoint_ns ?? "",
          checkpoint_id: checkpoint.id,
        },
      };
    }
    return this.runWrites.track(runId, this.putCheckpoint(config, checkpoint, metadata, newVersions));
  }

  private async putCheckpoint(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    const threadId = requireString(config.configurable?.thread_id, "thread_id");
    this.threadLatest.forget(threadId);
    const ns: string = config.configurable?.checkpoint_ns ?? "";
    const parent: string | undefined = config.configurable?.checkpoint_id;
    const copy = copyCheckpoint(checkpoint);
    const values = copy.channel_values ?? {};
    copy.channel_values = {};

    const expiresAt = this.expiresAt();
    const parentLoc = parent ? await this.locOf(threadId, ns, parent) : {};
    const stored = storedMetadata(config, metadata);
    const [dump, expiresSoon] = [this.dump.bind(this), this.expiresSoon.bind(this)];
    const of = { threadId, ns, checkpoint: copy, values, newVersions, parentLoc, expiresAt, expiresSoon, dump };
    const { parts: valueParts, loc, blobs } = await channelItems(of);
    const parts: Part[] = [await this.dump("checkpoint", copy), await this.dump("metadata", stored), ...valueParts];
    // `wk`: this head's pending writes are stored under its key (./keys.ts), none under the earlier `wr#` keys.
    const attributes: Item = { loc, wk: 1 };
    if (parent) attributes.parent = parent;
    const head = payloadItems({ pk: threadId, sk: headSk(ns, copy.id) }, parts, attributes, expiresAt);
    const runId: string | undefined = config.configurable?.run_id;
    if (this.writeBehind.isOpen(runId)) {
      this.writeBehind.add(runId, [...blobs.flat(), ...head]);
      // The run's input checkpoint waits for its first step's; every other one is stored with the writes before it.
      if (stored.source !== "input") await this.writeBehind.flush(runId);
    } else {
      await Promise.all(blobs.map((items) => writeItems(this.table, items)));
      await writeItems(this.table, head);
    }
    this.locs.set(threadId, ns, copy.id, loc);
    if (ns === "") {
      const tuple = (): CheckpointTuple => ({
        config: { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: copy.id } },
        checkpoint: {
          ...copy,
          channel_values: Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)),
        },
        metadata: stored as CheckpointMetadata,
        pendingWrites: [],
        ...(parent && {
          parentConfig: { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: parent } },
        }),
      });
      this.runLatest.put(config.configurable?.run_id, tuple, copy.id);
    }
    return { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: copy.id } };
  }

  /** The `loc` of a stored head: from memory when this saver read or wrote it lately, else from its item. */
  private async locOf(threadId: string, ns: string, checkpointId: string): Promise<Loc> {
    const cached = this.locs.get(threadId, ns, checkpointId);
    if (cached) return cached;
    const head = await this.table.get({ pk: threadId, sk: headSk(ns, checkpointId) }, "loc");
    return (head?.loc as Loc | undefined) ?? {};
  }

  async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath?: string): Promise<void> {
    const runId: string | undefined = config.configurable?.run_id;
    if (this.runWrites.isFenced(runId)) return;
    return this.runWrites.track(runId, this.storeWrites(config, writes, taskId, taskPath));
  }

  private async storeWrites(
    config: RunnableConfig,
    writes: PendingWrite[],
    taskId: string,
    taskPath?: string,
  ): Promise<void> {
    const threadId = requireString(config.configurable?.thread_id, "thread_id");
    this.threadLatest.forget(threadId);
    const ns: string = config.configurable?.checkpoint_ns ?? "";
    const checkpointId = requireString(config.configurable?.checkpoint_id, "checkpoint_id");
    const runId: string | undefined = config.configurable?.run_id;
    if (ns === "") this.runLatest.wrote(runId, checkpointId);
    const of = { threadId, ns, checkpointId, taskId, taskPath, expiresAt: this.expiresAt() };
    const { regular, special } = await pendingWriteItems(this.dump.bind(this), of, writes);
    if (this.writeBehind.isOpen(runId)) {
      // Held until the run's next checkpoint (./write-behind.ts), with the same first/latest rule.
      if (regular) this.writeBehind.add(runId, regular, { keepFirst: true });
      for (const items of special) this.writeBehind.add(runId, items);
      return;
    }
    await Promise.all([
      regular && writeItems(this.table, regular, { ifAbsent: true }),
      ...special.map((items) => writeItems(this.table, items)),
    ]);
  }

  async deleteThread(threadId: string): Promise<void> {
    await this.deleteItems(threadId, await this.table.keysOf(threadId));
  }

  // ---------------------------------------------------------------- maintenance (./maintenance.ts)

  copyThread(fromThreadId: string, toThreadId: string): Promise<void> {
    this.threadLatest.forget(toThreadId);
    return maintenance.copyThread(this.table, fromThreadId, toThreadId);
  }

  keepLatest(threadId: string): Promise<void> {
    this.threadLatest.forget(threadId);
    return maintenance.keepLatest(this, threadId);
  }

  patchLatestMetadata(threadId: string, patch: Record<string, unknown>): Promise<boolean> {
    this.threadLatest.forget(threadId);
    return maintenance.patchLatestMetadata(this, threadId, patch);
  }

  rollback(threadId: string, runId: string): Promise<void> {
    this.threadLatest.forget(threadId);
    return maintenance.rollback(this, threadId, runId);
  }

  /** Deletes items of one thread (heads first), and forgets what this saver remembers of its heads. */
  async deleteItems(threadId: string, keys: Key[]): Promise<void> {
    this.threadLatest.forget(threadId);
    await this.table.deleteKeys(keys);
    this.locs.forgetThread(threadId);
  }

  // ---------------------------------------------------------------- runs under way (./run-writes.ts)

  /** Holds the checkpoint writes of `runId` and stores them once per superstep (./write-behind.ts), till closeRun. */
  openRun(runId: string): void {
    this.writeBehind.open(runId);
  }

  /** Stores what `runId` holds and stops holding; rejects when a write of the run failed (then not all are stored). */
  async closeRun(runId: string): Promise<void> {
    await this.runWrites.track(runId, this.writeBehind.close(runId));
  }

  /** Resolves when every write of `runId` under way has finished (a stopped run's last checkpoint is stored). */
  async settle(runId: string): Promise<void> {
    await this.closeRun(runId).catch(() => undefined);
    await this.runWrites.settle(runId);
  }

  /**
   * The latest root checkpoint `runId` put, as getTuple reads it back, once its writes under way have finished; then
   * forgotten. Undefined when it has pending writes (read those from the table) or the run put none here.
   */
  async lastOfRun(runId: string): Promise<CheckpointTuple | undefined> {
    await this.settle(runId);
    return this.runLatest.take(runId);
  }

  /** This saver, answering a read of the latest root checkpoint of `tuple`'s thread with `tuple` (from lastOfRun). */
  withLatest(tuple: CheckpointTuple): DynamoDBSaver {
    const view = Object.create(this) as DynamoDBSaver;
    view.getTuple = (config) => {
      const c = config.configurable ?? {};
      const latest = tuple.config.configurable!;
      if (c.thread_id === latest.thread_id && (c.checkpoint_ns ?? "") === "" && !c.checkpoint_id)
        return Promise.resolve(tuple);
      return this.getTuple(config);
    };
    return view;
  }

  /**
   * This saver, answering the first read of the latest root checkpoint of `threadId` with `latest`: that read made
   * ahead (undefined: the thread has none), while the run that makes it was being stored (lib/runs/foreground.ts).
   * Every other read, and any later one, goes to the table; so does that one if the read ahead failed.
   */
  withReadAhead(threadId: string, latest: Promise<CheckpointTuple | undefined>): DynamoDBSaver {
    const view = Object.create(this) as DynamoDBSaver;
    let pending: Promise<CheckpointTuple | undefined> | undefined = latest;
    latest.catch(() => undefined); // unused until the graph's read; a failure there means reading again
    view.getTuple = (config) => {
      const c = config.configurable ?? {};
      const first = pending;
      if (!first || c.thread_id !== threadId || (c.checkpoint_ns ?? "") !== "" || c.checkpoint_id)
        return this.getTuple(config);
      pending = undefined;
      return first.catch(() => this.getTuple(config));
    };
    return view;
  }

  // ---------------------------------------------------------------- a thread's latest, known (./memory.ts)

  /**
   * Remembers `tuple` (undefined: none) as the latest root checkpoint of `threadId` while its thread item reads
   * `version` (the `updated_at` this process wrote). The caller vouches that no checkpoint of the thread is written
   * without its thread item changing (runs, state updates and the prune hold the thread: lib/runs/lifecycle.ts).
   * Kept serialized, so each use gets objects of its own; a tuple with pending writes is not kept.
   */
  async rememberLatest(threadId: string, version: string, tuple?: CheckpointTuple): Promise<void> {
    this.threadLatest.forget(threadId);
    const until = Date.now() + (this.ttlSeconds === undefined ? Infinity : (this.ttlSeconds * 1000) / 2);
    if (!tuple) return this.threadLatest.set(threadId, { version, parts: null, until });
    if (tuple.pendingWrites?.length || tuple.config.configurable?.checkpoint_ns) return;
    const { channel_values: values, ...checkpoint } = tuple.checkpoint;
    const parts = await Promise.all([
      this.dump("checkpoint", { ...checkpoint, channel_values: {} }),
      this.dump("metadata", tuple.metadata ?? {}),
      ...Object.entries(values ?? {})
        .filter(([, value]) => value !== undefined)
        .map(([channel, value]) => this.dump(`v:${channel}`, value)),
    ]);
    const checkpointId = tuple.checkpoint.id;
    const parentId: string | undefined = tuple.parentConfig?.configurable?.checkpoint_id;
    this.threadLatest.set(threadId, { version, parts, checkpointId, parentId, until });
  }

  /**
   * The latest root checkpoint of `threadId` (undefined: none) as remembered while its thread item read `version`,
   * loaded anew; undefined when not known for that version. Given once: then forgotten.
   */
  knownLatest(threadId: string, version: string): Promise<CheckpointTuple | undefined> | undefined {
    const known = this.threadLatest.take(threadId, version);
    if (!known) return undefined;
    const { parts, checkpointId, parentId } = known;
    if (!parts || !checkpointId) return Promise.resolve(undefined);
    return (async () => {
      const byName = new Map(parts.map((part) => [part.name, part]));
      const checkpoint = (await this.load(byName.get("checkpoint")!)) as Checkpoint;
      const metadata = (await this.load(byName.get("metadata")!)) as CheckpointMetadata;
      for (const part of parts) {
        if (part.name.startsWith("v:")) checkpoint.channel_values[part.name.slice(2)] = await this.load(part);
      }
      const configOf = (id: string) => ({
        configurable: { thread_id: threadId, checkpoint_ns: "", checkpoint_id: id },
      });
      return {
        config: configOf(checkpointId),
        checkpoint,
        metadata,
        pendingWrites: [],
        ...(parentId && { parentConfig: configOf(parentId) }),
      };
    })();
  }

  /** Forgets what `runId` put (a run that stopped before reading it back). */
  forgetRun(runId: string): void {
    this.runLatest.forget(runId);
  }

  /** Drops every later write of `runId` (and those it holds), and resolves once those under way have finished. */
  fence(runId: string): Promise<void> {
    this.writeBehind.drop(runId);
    return this.runWrites.fence(runId);
  }

  // ---------------------------------------------------------------- helpers

  private async dump(name: string, value: unknown): Promise<Part> {
    const [type, bytes] = await this.serde.dumpsTyped(value);
    return { name, type, bytes: typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes };
  }

  private load(part: Part): Promise<unknown> {
    return loadTyped(this.serde, part.type, part.bytes);
  }

  private expiresAt(): number | undefined {
    return this.ttlSeconds === undefined ? undefined : nowSeconds() + this.ttlSeconds;
  }

  /** True when an item expiring at `expiresAt` would outlive a new one by less than half the TTL. */
  private expiresSoon(expiresAt: number): boolean {
    return this.ttlSeconds !== undefined && (expiresAt === 0 || expiresAt - nowSeconds() < this.ttlSeconds / 2);
  }
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
/** An item whose `expires_at` has passed (DynamoDB TTL removes it later). */
const isExpired = (item: Item) =>
  typeof item.expires_at === "number" && item.expires_at > 0 && item.expires_at <= nowSeconds();

function requireString(value: unknown, field: string): string {
  if (typeof value !== "string" || value === "") {
    throw new Error(
      `DynamoDBSaver: config.configurable.${field} must be a non-empty string (got ${JSON.stringify(value)})`,
    );
  }
  return value;
}
