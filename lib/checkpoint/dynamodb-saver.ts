/**
 * DynamoDBSaver: a LangGraph checkpointer on one DynamoDB table.
 *
 * Key schema (table `checkpoints`, see lib/tables/definitions.ts). `pk` is the thread id; every `sk` part is
 * escaped with keyPart() so `#` only ever separates parts. `<ns>` is the checkpoint namespace ("" for the root
 * graph), `<gen>` a random id per write, `<k>` a 4-digit chunk number.
 *
 *   sk                                         item
 *   cp#<ns>#<checkpoint_id>                    checkpoint head: payload chunk 0 (checkpoint, metadata and the small
 *                                              channel values that changed), `parent`, and `loc`
 *                                              {channel: [version, source, expires_at]}: where each value lives —
 *                                              `source` is the id of the head that inlines it, or "" for a blob item
 *   cx#<ns>#<checkpoint_id>#<gen>#<k>          payload chunk k >= 1 of a head too large for one item
 *   bl#<ns>#<channel>#<version>                a large channel value (>= BLOB_MIN_BYTES), written once per version
 *   bx#<ns>#<channel>#<version>#<gen>#<k>      its chunks k >= 1
 *   wr#<ns>#<checkpoint_id>#<task_id>#<idx>    pending writes of one putWrites call (idx: first index; a special
 *                                              channel's negative index), `task_path`
 *   wx#<ns>#<checkpoint_id>#<task_id>#<idx>#<gen>#<k>   their chunks k >= 1
 *
 * Every item may carry `expires_at` (epoch seconds) for DynamoDB TTL.
 *
 * Why this shape:
 * - One item per checkpoint in the common case: a put stores only the channels in `newVersions` (the contract
 *   of every official saver); small ones ride inline, compressed with the head, and the head's `loc` points at
 *   the earlier head (or blob) holding each unchanged value. A large value lives in its own item keyed by
 *   version. So the cost of a put follows what changed, not the size of the state, and a read is one Query or
 *   Get for the head plus one BatchGet for values stored elsewhere.
 * - No transactions (the embedded DynamoDB has none; they also cost double): every multi-item write puts its
 *   chunks and blobs first and the head last, each head naming the `gen` of its chunks. A reader finds only
 *   heads, and a head exists only once everything it points to does, so a crash mid-write leaves unreferenced
 *   chunks, never a half-written checkpoint.
 * - Latest checkpoint = a descending Query limited to one item, since checkpoint ids (uuid6) sort by time.
 * - All reads are strongly consistent: the next Lambda to resume a thread must see the last checkpoint.
 */
import { randomUUID } from "node:crypto";
import type { RunnableConfig } from "@langchain/core/runnables";
import {
  BaseCheckpointSaver,
  TASKS,
  maxChannelVersion,
  WRITES_IDX_MAP,
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
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  paginateQuery,
  paginateScan,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { batchWrite } from "../dynamo/batch.js";
import { decodeParts, encodeParts, keyPart, pack, unpack, type Part } from "./codec.js";

/** A channel value whose serialized size reaches this is stored once per version, outside the head. */
export const BLOB_MIN_BYTES = 8 * 1024;
const RECENT_LOCS_LIMIT = 1_000;

export interface DynamoDBSaverOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Items expire this many seconds after they were last written (DynamoDB TTL on `expires_at`). */
  ttlSeconds?: number;
  serde?: SerializerProtocol;
}

type Item = Record<string, any>;
/** channel -> [version, source checkpoint id ("" = blob item), expires_at (0 = never)] */
type Loc = Record<string, [string, string, number]>;

type Key = { pk: string; sk: string };

const chunkNo = (k: number) => String(k).padStart(4, "0");

export class DynamoDBSaver extends BaseCheckpointSaver {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly ttlSeconds?: number;
  /** `loc` of recently read or written heads, so put() rarely has to read its parent's. */
  private readonly recentLocs = new Map<string, Loc>();
  /** Writes under way, by the run (`configurable.run_id`) that makes them. */
  private readonly inflight = new Map<string, Set<Promise<unknown>>>();
  /** Runs rolled back: a graph still unwinding after its abort must not write behind the rollback. */
  private readonly fenced = new Set<string>();

  constructor(options: DynamoDBSaverOptions) {
    super(options.serde);
    this.client = options.client;
    this.table = options.tableName;
    this.ttlSeconds = options.ttlSeconds;
  }

  // ---------------------------------------------------------------- reads

  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const threadId: string | undefined = config.configurable?.thread_id;
    if (!threadId) return undefined;
    const ns: string = config.configurable?.checkpoint_ns ?? "";
    const checkpointId: string | undefined = config.configurable?.checkpoint_id;
    let head: Item | undefined;
    if (checkpointId) {
      const result = await this.client.send(
        new GetCommand({
          TableName: this.table,
          Key: { pk: threadId, sk: headSk(ns, checkpointId) },
          ConsistentRead: true,
        }),
      );
      head = result.Item;
    } else {
      const prefix = `cp#${keyPart(ns)}#`;
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
          ExpressionAttributeValues: { ":pk": threadId, ":prefix": prefix },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      );
      head = result.Items?.[0];
    }
    return head && !isExpired(head) ? this.loadTuple(head) : undefined;
  }

  async *list(config: RunnableConfig, options: CheckpointListOptions = {}): AsyncGenerator<CheckpointTuple> {
    const { before, filter } = options;
    let remaining = options.limit;
    if (remaining !== undefined && remaining <= 0) return;
    const threadId: string | undefined = config.configurable?.thread_id;
    const ns: string | undefined = config.configurable?.checkpoint_ns;
    const onlyId: string | undefined = config.configurable?.checkpoint_id;
    const beforeId: string | undefined = before?.configurable?.checkpoint_id;

    for await (const head of this.heads(threadId, ns, beforeId)) {
      const { checkpointId } = parseHeadSk(head.sk);
      if (onlyId && checkpointId !== onlyId) continue;
      if (beforeId && checkpointId >= beforeId) continue;
      if (isExpired(head)) continue; // DynamoDB deletes expired items days later: they are gone already
      const tuple = await this.loadTuple(head);
      if (filter && !matchesFilter(tuple.metadata ?? {}, filter)) continue;
      yield tuple;
      if (remaining !== undefined && --remaining <= 0) return;
    }
  }

  /** Checkpoint heads newest first: one thread (and namespace) by Query, or every thread by Scan. */
  private async *heads(
    threadId: string | undefined,
    ns: string | undefined,
    beforeId: string | undefined,
  ): AsyncGenerator<Item> {
    if (threadId === undefined) {
      const all: Item[] = [];
      const scan = paginateScan(
        { client: this.client },
        {
          TableName: this.table,
          FilterExpression: "begins_with(sk, :prefix)",
          ExpressionAttributeValues: { ":prefix": ns === undefined ? "cp#" : `cp#${keyPart(ns)}#` },
          ConsistentRead: true,
        },
      );
      for await (const page of scan) all.push(...(page.Items ?? []));
      all.sort((a, b) => (a.pk === b.pk ? (a.sk < b.sk ? 1 : -1) : a.pk < b.pk ? -1 : 1));
      yield* all;
      return;
    }
    const prefix = ns === undefined ? "cp#" : `cp#${keyPart(ns)}#`;
    const query: QueryCommandInput = {
      TableName: this.table,
      ScanIndexForward: false,
      ConsistentRead: true,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": threadId, ":prefix": prefix },
    };
    if (ns !== undefined && beforeId) {
      query.KeyConditionExpression = "pk = :pk AND sk BETWEEN :lo AND :hi";
      query.ExpressionAttributeValues = { ":pk": threadId, ":lo": prefix, ":hi": headSk(ns, beforeId) };
    }
    for await (const page of paginateQuery({ client: this.client, pageSize: 25 }, query)) yield* page.Items ?? [];
  }

  private async loadTuple(head: Item): Promise<CheckpointTuple> {
    const threadId: string = head.pk;
    const { ns, checkpointId } = parseHeadSk(head.sk);
    const loc: Loc = head.loc ?? {};
    const [parts, elsewhere, pendingWrites] = await Promise.all([
      this.readParts(head, `cx#${keyPart(ns)}#${keyPart(checkpointId)}#`),
      this.readValuesElsewhere(threadId, ns, checkpointId, loc),
      this.readWrites(threadId, ns, checkpointId),
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
    this.rememberLoc(threadId, ns, checkpointId, loc);
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
    const parentWrites = await this.readWrites(threadId, ns, parentId);
    checkpoint.channel_values[TASKS] = parentWrites
      .filter(([, channel]) => channel === TASKS)
      .map(([, , value]) => value);
    const versions = Object.values(checkpoint.channel_versions);
    checkpoint.channel_versions[TASKS] =
      versions.length > 0 ? maxChannelVersion(...versions) : this.getNextVersion(undefined);
  }

  /** The decoded parts of an item with `data` (chunk 0), `n` chunks, `gen` and `z`; chunks >= 1 under `chunkPrefix<gen>#`. */
  private async readParts(item: Item, chunkPrefix: string): Promise<Part[]> {
    const chunks: Buffer[] = [Buffer.from(item.data as Uint8Array)];
    const n: number = item.n ?? 1;
    if (n > 1) {
      const rest = await this.queryAll(item.pk, `${chunkPrefix}${item.gen}#`);
      if (rest.length !== n - 1) {
        throw new Error(
          `Checkpoint item ${item.pk} ${item.sk}: expected ${n - 1} chunks of generation ${item.gen}, found ${rest.length}`,
        );
      }
      for (const chunk of rest) chunks.push(Buffer.from(chunk.data as Uint8Array));
    }
    return decodeParts(unpack({ compressed: Boolean(item.z), chunks }));
  }

  /** Values that `loc` places in other items: blob items, and the earlier heads that inline them. */
  private async readValuesElsewhere(
    threadId: string,
    ns: string,
    selfId: string,
    loc: Loc,
  ): Promise<Record<string, unknown>> {
    const wanted = Object.entries(loc).filter(([, [, source]]) => source !== selfId);
    if (wanted.length === 0) return {};
    const sks = new Set(
      wanted.map(([channel, [version, source]]) => (source === "" ? blobSk(ns, channel, version) : headSk(ns, source))),
    );
    const items = new Map((await this.batchGet(threadId, [...sks])).map((item) => [item.sk as string, item]));
    const partsBySk = new Map<string, Promise<Part[]>>();
    const partsOf = (sk: string) => {
      if (!partsBySk.has(sk)) {
        const item = items.get(sk)!;
        const prefix = sk.startsWith("bl#") ? `bx#${sk.slice(3)}#` : `cx#${sk.slice(3)}#`;
        partsBySk.set(sk, this.readParts(item, prefix));
      }
      return partsBySk.get(sk)!;
    };
    const values: Record<string, unknown> = {};
    await Promise.all(
      wanted.map(async ([channel, [version, source]]) => {
        const sk = source === "" ? blobSk(ns, channel, version) : headSk(ns, source);
        if (!items.has(sk)) return; // expired or deleted: the channel reads as empty, as with any official saver
        const part = (await partsOf(sk)).find((p) => p.name === (source === "" ? "value" : `v:${channel}`));
        if (part) values[channel] = await this.load(part);
      }),
    );
    return values;
  }

  private async batchGet(pk: string, sks: string[]): Promise<Item[]> {
    const items: Item[] = [];
    for (let i = 0; i < sks.length; i += 100) {
      let pending: Key[] = sks.slice(i, i + 100).map((sk) => ({ pk, sk }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 8) throw new Error(`BatchGetItem on ${this.table}: keys still unprocessed after retries`);
        if (attempt > 0) await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
        const result = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending, ConsistentRead: true } } }),
        );
        items.push(...(result.Responses?.[this.table] ?? []));
        pending = (result.UnprocessedKeys?.[this.table]?.Keys as Key[] | undefined) ?? [];
      }
    }
    return items;
  }

  private async readWrites(threadId: string, ns: string, checkpointId: string): Promise<CheckpointPendingWrite[]> {
    const items = await this.queryAll(threadId, `wr#${keyPart(ns)}#${keyPart(checkpointId)}#`);
    const keyed: { key: ReturnType<typeof writesSortKey>; write: CheckpointPendingWrite }[] = [];
    const seen = new Set<string>();
    for (const item of items) {
      for (const part of await this.readParts(item, `wx#${item.sk.slice(3)}#`)) {
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

  /** Every item of a thread whose sort key starts with `prefix` (strongly consistent; `prefix` "" = all). */
  private async queryAll(pk: string, prefix: string, projection?: string): Promise<Item[]> {
    const items: Item[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.table,
        KeyConditionExpression: prefix ? "pk = :pk AND begins_with(sk, :prefix)" : "pk = :pk",
        ExpressionAttributeValues: prefix ? { ":pk": pk, ":prefix": prefix } : { ":pk": pk },
        ProjectionExpression: projection,
        ConsistentRead: true,
      },
    );
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  }

  // ---------------------------------------------------------------- writes

  async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    const runId: string | undefined = config.configurable?.run_id;
    if (runId && this.fenced.has(runId)) {
      return {
        configurable: {
          thread_id: config.configurable?.thread_id,
          checkpoint_ns: config.configurable?.checkpoint_ns ?? "",
          checkpoint_id: checkpoint.id,
        },
      };
    }
    return this.track(runId, this.putCheckpoint(config, checkpoint, metadata, newVersions));
  }

  private async putCheckpoint(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    const threadId = requireString(config.configurable?.thread_id, "thread_id");
    const ns: string = config.configurable?.checkpoint_ns ?? "";
    const parent: string | undefined = config.configurable?.checkpoint_id;
    const copy = copyCheckpoint(checkpoint);
    const values = copy.channel_values ?? {};
    copy.channel_values = {};

    const expiresAt = this.expiresAt();
    const parentLoc = parent ? await this.locOf(threadId, ns, parent) : {};
    // The run that wrote a checkpoint is part of its metadata (as on LangGraph Platform): a resumed run knows
    // where it got to, and a rollback knows what to remove. As the official server's saver does, a run's checkpoint
    // metadata also takes the run's config (configurable keys, then config.metadata: graph, assistant, the run's
    // own metadata), so history can be filtered by them.
    const runId = config.configurable?.run_id;
    const merged =
      typeof runId === "string" ? ({ ...runConfigMetadata(config), ...metadata } as CheckpointMetadata) : metadata;
    const stored = typeof runId === "string" && !("run_id" in merged) ? { ...merged, run_id: runId } : merged;
    const parts: Part[] = [await this.dump("checkpoint", copy), await this.dump("metadata", stored)];
    const loc: Loc = {};
    const blobWrites: Promise<void>[] = [];
    for (const [channel, value] of Object.entries(values)) {
      if (value === undefined) continue;
      const version = String(copy.channel_versions[channel] ?? "");
      const previous = parentLoc[channel];
      if (!(channel in newVersions)) {
        // Unchanged: the value is where the parent found it — unless it is about to expire, then store it afresh.
        if (!previous || previous[0] !== version) continue;
        if (!this.expiresSoon(previous[2])) {
          loc[channel] = previous;
          continue;
        }
      }
      const part = await this.dump(`v:${channel}`, value);
      if (part.bytes.byteLength < BLOB_MIN_BYTES) {
        parts.push(part);
        loc[channel] = [version, copy.id, expiresAt ?? 0];
      } else {
        const sk = blobSk(ns, channel, version);
        blobWrites.push(
          this.writePayload({ pk: threadId, sk }, `bx#${sk.slice(3)}#`, [{ ...part, name: "value" }], {}, expiresAt),
        );
        loc[channel] = [version, "", expiresAt ?? 0];
      }
    }
    await Promise.all(blobWrites);
    const attributes: Item = { loc };
    if (parent) attributes.parent = parent;
    await this.writePayload(
      { pk: threadId, sk: headSk(ns, copy.id) },
      `cx#${keyPart(ns)}#${keyPart(copy.id)}#`,
      parts,
      attributes,
      expiresAt,
    );
    this.rememberLoc(threadId, ns, copy.id, loc);
    return { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: copy.id } };
  }

  /** The `loc` of a stored head: from memory when this saver read or wrote it lately, else from its item. */
  private async locOf(threadId: string, ns: string, checkpointId: string): Promise<Loc> {
    const cached = this.recentLocs.get(locKey(threadId, ns, checkpointId));
    if (cached) return cached;
    const result = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: threadId, sk: headSk(ns, checkpointId) },
        ProjectionExpression: "loc",
        ConsistentRead: true,
      }),
    );
    return (result.Item?.loc as Loc | undefined) ?? {};
  }

  async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath?: string): Promise<void> {
    const runId: string | undefined = config.configurable?.run_id;
    if (runId && this.fenced.has(runId)) return;
    return this.track(runId, this.storeWrites(config, writes, taskId, taskPath));
  }

  private async storeWrites(
    config: RunnableConfig,
    writes: PendingWrite[],
    taskId: string,
    taskPath?: string,
  ): Promise<void> {
    const threadId = requireString(config.configurable?.thread_id, "thread_id");
    const ns: string = config.configurable?.checkpoint_ns ?? "";
    const checkpointId = requireString(config.configurable?.checkpoint_id, "checkpoint_id");
    const regular: Part[] = [];
    const special: { idx: number; part: Part }[] = [];
    let firstRegular: number | undefined;
    for (const [i, [channel, value]] of writes.entries()) {
      const idx = WRITES_IDX_MAP[channel] ?? i;
      const part = await this.dump(`${idx}:${channel}`, value);
      if (idx < 0) special.push({ idx, part });
      else {
        firstRegular ??= idx;
        regular.push(part);
      }
    }
    const expiresAt = this.expiresAt();
    const attributes = { task_id: taskId, task_path: taskPath ?? "" };
    const itemKey = (idx: number) => ({ pk: threadId, sk: writeSk(ns, checkpointId, taskId, idx) });
    const chunkPrefix = (idx: number) => `wx#${writeSk(ns, checkpointId, taskId, idx).slice(3)}#`;
    await Promise.all([
      // Regular writes are kept as first written (a retried task must not replace them) ...
      regular.length > 0 &&
        this.writePayload(itemKey(firstRegular!), chunkPrefix(firstRegular!), regular, attributes, expiresAt, {
          ifAbsent: true,
        }),
      // ... special ones (errors, interrupts, resumes) are replaced by the latest.
      ...special.map(({ idx, part }) =>
        this.writePayload(itemKey(idx), chunkPrefix(idx), [part], attributes, expiresAt),
      ),
    ]);
  }

  /**
   * Copies every item of a thread (all namespaces, chunks, blobs, pending writes) to another thread id: heads
   * last, so the copy becomes visible only once complete. Checkpoint metadata keeps the source's `thread_id`.
   */
  async copyThread(fromThreadId: string, toThreadId: string): Promise<void> {
    const items = await this.queryAll(fromThreadId, "");
    items.sort((a, b) => Number(String(a.sk).startsWith("cp#")) - Number(String(b.sk).startsWith("cp#")));
    await batchWrite(
      this.client,
      this.table,
      items.map((item) => ({ PutRequest: { Item: { ...item, pk: toThreadId } } })),
    );
  }

  /**
   * Prunes the thread's history to its latest root checkpoint: that checkpoint is written again with every
   * channel value (so it no longer points into older heads), then every other head, its chunks and pending
   * writes are deleted, in all namespaces. Blob items stay (unreferenced, they cost storage only until TTL).
   */
  async keepLatest(threadId: string): Promise<void> {
    const config = { configurable: { thread_id: threadId, checkpoint_ns: "" } };
    const latest = await this.getTuple(config);
    if (!latest) return;
    const before = (await this.queryAll(threadId, "", "pk, sk")) as Key[];
    await this.put(
      config,
      latest.checkpoint,
      latest.metadata ?? ({} as CheckpointMetadata),
      latest.checkpoint.channel_versions,
    );
    const byTask = new Map<string, PendingWrite[]>();
    for (const [taskId, channel, value] of latest.pendingWrites ?? [])
      byTask.set(taskId, [...(byTask.get(taskId) ?? []), [channel, value]]);
    const at = { configurable: { ...config.configurable, checkpoint_id: latest.checkpoint.id } };
    for (const [taskId, writes] of byTask) await this.putWrites(at, writes, taskId);
    const stale = before.filter((key) => {
      const [kind, ns, checkpointId] = key.sk.split("#");
      return ["cp", "cx", "wr", "wx"].includes(kind) && (ns !== "" || checkpointId !== latest.checkpoint.id);
    });
    await this.deleteKeys(threadId, stale);
  }

  /** Merges `patch` into the metadata of the latest root checkpoint (PATCH /threads/{id}/state). False if none. */
  async patchLatestMetadata(threadId: string, patch: Record<string, unknown>): Promise<boolean> {
    const config = { configurable: { thread_id: threadId, checkpoint_ns: "" } };
    const latest = await this.getTuple(config);
    if (!latest) return false;
    // Written again whole (every channel in newVersions): the head replaces itself, so it must not point at itself.
    await this.put(
      config,
      latest.checkpoint,
      { ...latest.metadata, ...patch } as CheckpointMetadata,
      latest.checkpoint.channel_versions,
    );
    return true;
  }

  async deleteThread(threadId: string): Promise<void> {
    await this.deleteKeys(threadId, (await this.queryAll(threadId, "", "pk, sk")) as Key[]);
  }

  /** Deletes items of one thread, heads first, so no reader finds a checkpoint whose chunks are already gone. */
  private async deleteKeys(threadId: string, keys: Key[]): Promise<void> {
    keys.sort((a, b) => Number(!a.sk.startsWith("cp#")) - Number(!b.sk.startsWith("cp#")));
    await batchWrite(
      this.client,
      this.table,
      keys.map((Key) => ({ DeleteRequest: { Key } })),
    );
    for (const key of [...this.recentLocs.keys()]) if (key.startsWith(`${threadId}\u0000`)) this.recentLocs.delete(key);
  }

  /**
   * Rolls the thread back to where it was before run `runId`: deletes every checkpoint the run wrote (they carry
   * its `run_id` in their metadata, and are the thread's newest) and everything newer, in every namespace, with
   * chunks and pending writes. The run is fenced first: writes it still has under way finish, later ones are
   * dropped. Blob items stay (unreferenced, they cost storage only until TTL).
   */
  async rollback(threadId: string, runId: string): Promise<void> {
    this.fenced.add(runId);
    setTimeout(() => this.fenced.delete(runId), 15 * 60_000).unref();
    await this.settle(runId);
    let keepCheckpointId: string | undefined;
    for await (const tuple of this.list({ configurable: { thread_id: threadId, checkpoint_ns: "" } })) {
      if ((tuple.metadata as { run_id?: string } | undefined)?.run_id !== runId) {
        keepCheckpointId = tuple.checkpoint.id;
        break;
      }
    }
    const keys = (await this.queryAll(threadId, "", "pk, sk")) as Key[];
    const newer = keys.filter(({ sk }) => {
      const [kind, , checkpointId] = sk.split("#");
      if (!["cp", "cx", "wr", "wx"].includes(kind)) return false;
      return keepCheckpointId === undefined || decodeURIComponent(checkpointId) > keepCheckpointId;
    });
    await this.deleteKeys(threadId, newer);
  }

  /**
   * Writes `parts` as one payload: chunks >= 1 first (batched), then the item itself with chunk 0.
   * `ifAbsent` keeps an existing item (its chunks, written under a fresh `gen`, are then simply unreferenced).
   */
  private async writePayload(
    key: Key,
    chunkPrefix: string,
    parts: Part[],
    attributes: Item,
    expiresAt: number | undefined,
    options: { ifAbsent?: boolean } = {},
  ): Promise<void> {
    const packed = pack(encodeParts(parts));
    const gen = randomUUID().slice(0, 8);
    const ttl = expiresAt === undefined ? {} : { expires_at: expiresAt };
    if (packed.chunks.length > 1) {
      await batchWrite(
        this.client,
        this.table,
        packed.chunks.slice(1).map((data, i) => ({
          PutRequest: { Item: { pk: key.pk, sk: `${chunkPrefix}${gen}#${chunkNo(i + 1)}`, data, ...ttl } },
        })),
      );
    }
    const item: Item = { ...key, ...attributes, data: packed.chunks[0], n: packed.chunks.length, gen, ...ttl };
    if (packed.compressed) item.z = 1;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          ...(options.ifAbsent ? { ConditionExpression: "attribute_not_exists(pk)" } : {}),
        }),
      );
    } catch (err) {
      if (!(options.ifAbsent && err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  // ---------------------------------------------------------------- helpers

  private async dump(name: string, value: unknown): Promise<Part> {
    const [type, bytes] = await this.serde.dumpsTyped(value);
    return { name, type, bytes: typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes };
  }

  private load(part: Part): Promise<unknown> {
    return this.serde.loadsTyped(part.type, part.bytes);
  }

  private expiresAt(): number | undefined {
    return this.ttlSeconds === undefined ? undefined : nowSeconds() + this.ttlSeconds;
  }

  /** Resolves when every write of `runId` under way has finished (a stopped run's last checkpoint is stored). */
  async settle(runId: string): Promise<void> {
    while (this.inflight.get(runId)?.size) await Promise.allSettled([...this.inflight.get(runId)!]);
  }

  private track<T>(runId: string | undefined, work: Promise<T>): Promise<T> {
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

  /** True when an item expiring at `expiresAt` would outlive a new one by less than half the TTL. */
  private expiresSoon(expiresAt: number): boolean {
    return this.ttlSeconds !== undefined && (expiresAt === 0 || expiresAt - nowSeconds() < this.ttlSeconds / 2);
  }

  private rememberLoc(threadId: string, ns: string, checkpointId: string, loc: Loc): void {
    const key = locKey(threadId, ns, checkpointId);
    this.recentLocs.delete(key);
    this.recentLocs.set(key, loc);
    if (this.recentLocs.size > RECENT_LOCS_LIMIT) this.recentLocs.delete(this.recentLocs.keys().next().value!);
  }
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
/** An item whose `expires_at` has passed (DynamoDB TTL removes it later). */
const isExpired = (item: Item) =>
  typeof item.expires_at === "number" && item.expires_at > 0 && item.expires_at <= nowSeconds();

function headSk(ns: string, checkpointId: string): string {
  return `cp#${keyPart(ns)}#${keyPart(checkpointId)}`;
}

function blobSk(ns: string, channel: string, version: string): string {
  return `bl#${keyPart(ns)}#${keyPart(channel)}#${keyPart(version)}`;
}

function writeSk(ns: string, checkpointId: string, taskId: string, idx: number): string {
  return `wr#${keyPart(ns)}#${keyPart(checkpointId)}#${keyPart(taskId)}#${idx}`;
}

function locKey(threadId: string, ns: string, checkpointId: string): string {
  return [threadId, ns, checkpointId].join("\u0000");
}

function parseHeadSk(sk: string): { ns: string; checkpointId: string } {
  const [, ns, checkpointId] = sk.split("#");
  return { ns: decodeURIComponent(ns), checkpointId: decodeURIComponent(checkpointId) };
}

/** Configurable keys that are not the checkpoint's address or LangGraph internals (`__…`). */
const NOT_METADATA = new Set(["checkpoint_ns", "checkpoint_id", "run_id", "thread_id"]);

/** What of a config goes into checkpoint metadata: configurable keys (see NOT_METADATA), then `config.metadata`. */
function runConfigMetadata(config: RunnableConfig): Record<string, unknown> {
  const configurable = Object.entries(config.configurable ?? {}).filter(
    ([key, value]) => !key.startsWith("__") && !NOT_METADATA.has(key) && value !== undefined,
  );
  return { ...Object.fromEntries(configurable), ...config.metadata };
}

function requireString(value: unknown, field: string): string {
  if (typeof value !== "string" || value === "") {
    throw new Error(
      `DynamoDBSaver: config.configurable.${field} must be a non-empty string (got ${JSON.stringify(value)})`,
    );
  }
  return value;
}

/** Metadata matches when every filter key is present with an equal value (deep, for objects). */
function matchesFilter(metadata: Record<string, unknown>, filter: Record<string, unknown>): boolean {
  return Object.entries(filter).every(([key, value]) => deepEqual(metadata[key], value));
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as any)[k], (b as any)[k]));
}
