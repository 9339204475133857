/**
 * ThreadStore: threads in the `threads` table.
 *
 * Key schema:
 *   pk = thread_id, sk = "thread"
 *   list_pk = the thread's listing shard ("thread#00" … "thread#15", a hash of thread_id: see THREAD_LIST_SHARDS),
 *   so the GSIs `by_created` / `by_updated` (list_pk + created_at/updated_at) page threads newest first without a
 *   scan, and thread writes spread over 16 index partitions instead of one. A listing merges the shards' Queries
 *   (lib/stores/merged-query.ts); like any GSI read it is eventually consistent.
 *
 * Attributes: thread_id, created_at, updated_at, metadata (a map: search filters on it), status
 * (idle|busy|interrupted|error), and config / values / interrupts as JSON strings (state may hold what a
 * DynamoDB map cannot: empty keys, NaN, huge nesting), and the lock: `active_run` — the id of the run that holds the thread (absent when free),
 * taken and handed over only by conditional writes:
 *   acquire:  SET active_run = :run   IF attribute_exists(pk) AND attribute_not_exists(active_run)
 *   release:  REMOVE active_run        IF active_run = :run
 * So of any number of concurrent runs on an idle thread exactly one gets it, with no read before the write.
 *
 * With a thread TTL (langgraph.json `checkpointer.ttl`, lib/config/ttl.ts) every write that goes with checkpoints
 * (create, a run taking or releasing it, a state update) sets `expires_at` (epoch seconds, the table's TTL
 * attribute) to `ttlMinutes` after it, so the thread expires with its latest checkpoint; a metadata patch does not
 * push it out. An expired thread reads as missing everywhere (get, search, acquire, patch, create over it) before
 * DynamoDB deletes it.
 */
import { conditionalResult, conditionalWrite } from "../dynamo/conditional.js";
import { isDeepStrictEqual } from "node:util";
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import { THREAD_LIST_SHARDS, TTL_ATTRIBUTE, threadListKey, threadListShard } from "../tables/definitions.js";
import { mergedQuery } from "./merged-query.js";
import type { AuthFilters } from "../auth/custom-auth.js";
import { equalityConditions, matchesAuthFilters } from "../auth/filters.js";
import { scopeKey } from "../auth/scope.js";
import { isItemSizeRefusal, itemBytes, keyFits, MAX_EXPRESSION_KEYS, MAX_ITEM_BYTES } from "../dynamo/limits.js";
import { assertItemFits, ItemTooLargeError } from "./limits.js";

export type ThreadStatus = "idle" | "busy" | "interrupted" | "error";

export interface Thread {
  thread_id: string;
  created_at: string;
  updated_at: string;
  metadata: Record<string, unknown>;
  status: ThreadStatus;
  config: Record<string, unknown>;
  values: Record<string, unknown> | null;
  interrupts: Record<string, unknown[]>;
  /** The run holding the thread, if any (internal; not part of the API object). */
  active_run?: string;
  /** Custom auth: the scope it was created in (lib/auth/scope.ts), its key in the sparse index `by_scope`. */
  auth_scope?: string;
}

/** A new, idle thread. */
export function newThread(threadId: string, metadata: Record<string, unknown>): Thread {
  const created = new Date().toISOString();
  return {
    thread_id: threadId,
    created_at: created,
    updated_at: created,
    metadata,
    status: "idle",
    config: {},
    values: null,
    interrupts: {},
  };
}

export type AcquireResult = "acquired" | "busy" | "missing";

export interface ThreadSearch {
  metadata?: Record<string, unknown>;
  /** Top-level keys the thread's values must equal. Values are stored as JSON, so this filter runs here, before paging. */
  values?: Record<string, unknown>;
  status?: ThreadStatus;
  ids?: string[];
  limit: number;
  offset: number;
  sortBy: "created_at" | "updated_at";
  sortOrder: "asc" | "desc";
  /** Custom auth: the search handler's filters, which every thread listed must match. */
  auth?: AuthFilters;
}

const SK = "thread";
/** An item that has not expired (ExpressionAttributeNames `#exp`, values `:nowSec`). */
const LIVE = "(attribute_not_exists(#exp) OR #exp > :nowSec)";
const nowSeconds = () => Math.floor(Date.now() / 1000);

export interface ThreadStoreOptions {
  /** Threads expire this many minutes after their last write (langgraph.json `checkpointer.ttl.default_ttl`). */
  ttlMinutes?: number;
}
/** Values above this size are not copied into the thread item (they stay in the checkpoint). */
const MAX_VALUES_BYTES = 100_000;

export class ThreadStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly options: ThreadStoreOptions = {},
  ) {}

  /** The expiry every write sets (with its names and values), or nothing without a TTL. */
  private expiry(): { set: string; names: Record<string, string>; values: Record<string, unknown> } {
    if (this.options.ttlMinutes === undefined) return { set: "", names: {}, values: {} };
    return {
      set: ", #exp = :expires",
      names: { "#exp": TTL_ATTRIBUTE },
      values: { ":expires": nowSeconds() + Math.ceil(this.options.ttlMinutes * 60) },
    };
  }

  /** The names and values of the LIVE condition. */
  private static live() {
    return { names: { "#exp": TTL_ATTRIBUTE }, values: { ":nowSec": nowSeconds() } };
  }

  /** The stored item of a thread, keys included (for bulk loads: see bench/thread-search.ts). */
  static toItem(thread: Thread): Record<string, unknown> {
    return { pk: thread.thread_id, sk: SK, list_pk: threadListShard(thread.thread_id), ...toItem(thread) };
  }

  /** Creates the thread; returns false (and writes nothing) when it exists already. */
  async create(thread: Thread): Promise<boolean> {
    const expiry = this.expiry();
    const expires = expiry.set ? { [TTL_ATTRIBUTE]: expiry.values[":expires"] } : {};
    let item = { ...ThreadStore.toItem(thread), ...expires };
    // The copy of the values gives way first (a copied thread's checkpoints have them), then the thread is refused.
    if (thread.values && itemBytes(item) > MAX_ITEM_BYTES)
      item = { ...ThreadStore.toItem({ ...thread, values: null }), ...expires };
    assertItemFits("thread", item);
    return conditionalWrite(() =>
      this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          // An expired thread DynamoDB has not deleted yet is gone: a new one may take its id.
          ConditionExpression: `attribute_not_exists(pk) OR NOT ${LIVE}`,
          ExpressionAttributeNames: ThreadStore.live().names,
          ExpressionAttributeValues: ThreadStore.live().values,
        }),
      ),
    );
  }

  async get(threadId: string): Promise<Thread | undefined> {
    if (!keyFits(threadId)) return undefined;
    const result = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { pk: threadId, sk: SK }, ConsistentRead: true }),
    );
    return result.Item && !isExpired(result.Item) ? toThread(result.Item) : undefined;
  }

  /**
   * Merges `metadata` key by key (each key one atomic SET); returns the updated thread, or undefined if missing.
   * A patch of more keys than one expression holds is written in parts of that many keys, after checking that the
   * whole of it fits in the item (so a part is not refused for size after another was written).
   */
  async patch(
    threadId: string,
    patch: { metadata?: Record<string, unknown>; now: string },
  ): Promise<Thread | undefined> {
    if (!keyFits(threadId)) return undefined;
    const entries = Object.entries(patch.metadata ?? {});
    if (entries.length > MAX_EXPRESSION_KEYS) {
      const current = await this.get(threadId);
      if (!current) return undefined;
      const merged = ThreadStore.toItem({ ...current, metadata: { ...current.metadata, ...patch.metadata } });
      if (itemBytes(merged) > MAX_ITEM_BYTES)
        throw new ItemTooLargeError(
          `Thread ${threadId}: its metadata would grow the thread past DynamoDB's 400 KB item`,
        );
      let patched: Thread | undefined;
      for (let i = 0; i < entries.length; i += MAX_EXPRESSION_KEYS) {
        patched = await this.patch(threadId, {
          metadata: Object.fromEntries(entries.slice(i, i + MAX_EXPRESSION_KEYS)),
          now: patch.now,
        });
        if (!patched) return undefined;
      }
      return patched;
    }
    const names: Record<string, string> = { ...ThreadStore.live().names };
    const values: Record<string, unknown> = { ":now": patch.now, ...ThreadStore.live().values };
    const sets = ["updated_at = :now"];
    Object.entries(patch.metadata ?? {}).forEach(([key, value], i) => {
      names[`#m${i}`] = key;
      values[`:m${i}`] = value;
      sets.push(`metadata.#m${i} = :m${i}`);
    });
    try {
      const result = await conditionalResult(() =>
        this.client.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk: threadId, sk: SK },
            UpdateExpression: `SET ${sets.join(", ")}`,
            ConditionExpression: `attribute_exists(pk) AND ${LIVE}`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ReturnValues: "ALL_NEW",
          }),
        ),
      );
      return result && toThread(result.Attributes!);
    } catch (err) {
      if (isItemSizeRefusal(err))
        throw new ItemTooLargeError(
          `Thread ${threadId}: its metadata would grow the thread past DynamoDB's 400 KB item`,
        );
      throw err;
    }
  }

  /** Deletes the thread item; returns false when there was none. */
  async delete(threadId: string): Promise<boolean> {
    if (!keyFits(threadId)) return false;
    const result = await this.client.send(
      new DeleteCommand({ TableName: this.table, Key: { pk: threadId, sk: SK }, ReturnValues: "ALL_OLD" }),
    );
    return result.Attributes !== undefined && !isExpired(result.Attributes);
  }

  /**
   * Takes the thread for `runId` in one conditional write, which also records `metadata` keys (the graph and
   * assistant the thread now runs) and, when given, the thread's new `config` (what its runs are configured with).
   */
  async acquire(
    threadId: string,
    runId: string,
    now: string,
    metadata: Record<string, unknown> = {},
    config?: Record<string, unknown>,
  ): Promise<AcquireResult> {
    if (!keyFits(threadId)) return "missing";
    const entries = Object.entries(metadata);
    const expiry = this.expiry();
    const setConfig: { set: string; names: Record<string, string>; values: Record<string, string> } = config
      ? { set: ", #config = :config", names: { "#config": "config" }, values: { ":config": JSON.stringify(config) } }
      : { set: "", names: {}, values: {} };
    const acquired = await conditionalWrite(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: threadId, sk: SK },
          UpdateExpression:
            [
              "SET active_run = :run, #status = :busy, updated_at = :now",
              ...entries.map((_, i) => `metadata.#k${i} = :v${i}`),
            ].join(", ") +
            setConfig.set +
            expiry.set,
          ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(active_run) AND ${LIVE}`,
          ExpressionAttributeNames: {
            "#status": "status",
            ...setConfig.names,
            ...ThreadStore.live().names,
            ...Object.fromEntries(entries.map(([k], i) => [`#k${i}`, k])),
          },
          ExpressionAttributeValues: {
            ...setConfig.values,
            ":run": runId,
            ":busy": "busy",
            ":now": now,
            ...ThreadStore.live().values,
            ...expiry.values,
            ...Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
          },
        }),
      ),
    );
    if (acquired) return "acquired";
    // The write was refused; a read only tells which answer to give (nothing is decided by it).
    return (await this.get(threadId)) ? "busy" : "missing";
  }

  /** Hands the thread from the run holding it to `nextRunId`; false when `fromRunId` no longer holds it. */
  async handOver(threadId: string, fromRunId: string, nextRunId: string, now: string): Promise<boolean> {
    return conditionalWrite(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: threadId, sk: SK },
          UpdateExpression: `SET active_run = :next, #status = :busy, updated_at = :now${this.expiry().set}`,
          ConditionExpression: "active_run = :from",
          ExpressionAttributeNames: { "#status": "status", ...this.expiry().names },
          ExpressionAttributeValues: {
            ":next": nextRunId,
            ":from": fromRunId,
            ":busy": "busy",
            ":now": now,
            ...this.expiry().values,
          },
        }),
      ),
    );
  }

  /**
   * Frees the thread held by `runId` and records the outcome (status, latest values, interrupts).
   * Returns false when `runId` did not hold it (then nothing is written).
   */
  async release(
    threadId: string,
    runId: string,
    outcome: {
      status: ThreadStatus;
      values?: Record<string, unknown> | null;
      interrupts?: Record<string, unknown[]>;
      now: string;
    },
  ): Promise<boolean> {
    try {
      return await conditionalWrite(() =>
        this.client.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk: threadId, sk: SK },
            ...this.outcomeUpdate(outcome, "REMOVE active_run"),
            ConditionExpression: "active_run = :run",
            ExpressionAttributeValues: { ...this.outcomeValues(outcome), ":run": runId },
          }),
        ),
      );
    } catch (err) {
      // The copy of the values does not fit beside the thread's metadata: without it (the checkpoint has them).
      if (isItemSizeRefusal(err) && outcome.values) return this.release(threadId, runId, { ...outcome, values: null });
      throw err;
    }
  }

  /** Records state changes made outside a run (update_state), if the thread exists. */
  async recordState(
    threadId: string,
    outcome: {
      status: ThreadStatus;
      values?: Record<string, unknown> | null;
      interrupts?: Record<string, unknown[]>;
      now: string;
    },
  ): Promise<void> {
    try {
      await conditionalWrite(() =>
        this.client.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk: threadId, sk: SK },
            ...this.outcomeUpdate(outcome, undefined, true),
            ConditionExpression: `attribute_exists(pk) AND attribute_not_exists(active_run) AND ${LIVE}`,
            ExpressionAttributeValues: { ...this.outcomeValues(outcome), ...ThreadStore.live().values },
          }),
        ),
      );
    } catch (err) {
      if (isItemSizeRefusal(err) && outcome.values) return this.recordState(threadId, { ...outcome, values: null });
      throw err;
    }
  }

  /** Newest (or oldest) threads first via a GSI; filters apply page by page, so no table scan. */
  async search(query: ThreadSearch): Promise<Thread[]> {
    if (query.ids) {
      const threads = (await Promise.all(query.ids.map((id) => this.get(id)))).filter(
        (t): t is Thread => !!t && matches(t, query),
      );
      return threads.slice(query.offset, query.offset + query.limit);
    }
    const wanted = query.offset + query.limit;
    const found: Thread[] = [];
    for await (const thread of this.listed(query, wanted, 100)) {
      if (!valuesMatch(thread, query.values)) continue;
      found.push(thread);
      if (found.length >= wanted) break;
    }
    return found.slice(query.offset, wanted);
  }

  /** Every thread matching the filters, in index order: one pass (POST /threads/count). */
  async *all(query: Omit<ThreadSearch, "limit" | "offset" | "ids">): AsyncGenerator<Thread> {
    for await (const thread of this.listed(query, 1000, 1000)) if (valuesMatch(thread, query.values)) yield thread;
  }

  /**
   * Threads from a GSI, newest (or oldest) first, with status and metadata filtered by DynamoDB: every listing
   * shard is queried and the shards merged, reading about `wanted` items in all to start with. Under custom auth
   * filters with equality conditions (an owner), newest-created first reads one partition of the sparse `by_scope`
   * index: that scope's threads only, whatever the table holds.
   */
  private async *listed(
    query: Omit<ThreadSearch, "limit" | "offset" | "ids">,
    wanted: number,
    maxPage: number,
  ): AsyncGenerator<Thread> {
    const filters: string[] = [LIVE];
    const names: Record<string, string> = { ...ThreadStore.live().names };
    const values: Record<string, unknown> = { ...ThreadStore.live().values };
    if (query.status) {
      filters.push("#status = :status");
      names["#status"] = "status";
      values[":status"] = query.status;
    }
    // As many metadata keys as one expression holds are filtered by DynamoDB; any others here.
    const metadata = Object.entries(query.metadata ?? {});
    metadata.slice(0, MAX_EXPRESSION_KEYS).forEach(([key, value], i) => {
      filters.push(`metadata.#m${i} = :m${i}`);
      names[`#m${i}`] = key;
      values[`:m${i}`] = value;
    });
    const rest =
      metadata.length > MAX_EXPRESSION_KEYS ? Object.fromEntries(metadata.slice(MAX_EXPRESSION_KEYS)) : undefined;
    equalityConditions(query.auth).forEach(([key, value], i) => {
      filters.push(`metadata.#a${i} = :a${i}`);
      names[`#a${i}`] = key;
      values[`:a${i}`] = value;
    });
    const scope = scopeKey(query.auth);
    const partitions = scope
      ? [
          {
            TableName: this.table,
            IndexName: "by_scope",
            KeyConditionExpression: "auth_scope = :scope",
            FilterExpression: filters.join(" AND "),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ...values, ":scope": scope },
            ScanIndexForward: query.sortOrder === "asc",
          },
        ]
      : this.shardQueries(query, filters, names, values);
    // The scope index is in creation order: by update, the scope's threads (one owner's) are read and sorted here.
    const byUpdateInScope = scope !== undefined && query.sortBy === "updated_at";
    let items: AsyncIterable<Record<string, any>> = mergedQuery(this.client, partitions, {
      wanted: byUpdateInScope ? maxPage : wanted,
      maxLimit: maxPage,
      sortKey: scope ? "created_at" : query.sortBy,
      descending: query.sortOrder === "desc",
    });
    if (byUpdateInScope) items = sortedByUpdate(items, query.sortOrder);
    for await (const item of items) {
      const thread = toThread(item);
      if (sameKeys(thread.metadata, rest) && matchesAuthFilters(thread.metadata, query.auth)) yield thread;
    }
  }

  /** One Query per listing shard. */
  private shardQueries(
    query: Omit<ThreadSearch, "limit" | "offset" | "ids">,
    filters: string[],
    names: Record<string, string>,
    values: Record<string, unknown>,
  ) {
    return Array.from({ length: THREAD_LIST_SHARDS }, (_, n) => ({
      TableName: this.table,
      IndexName: query.sortBy === "updated_at" ? "by_updated" : "by_created",
      KeyConditionExpression: "list_pk = :list",
      FilterExpression: filters.join(" AND "),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: { ...values, ":list": threadListKey(n) },
      ScanIndexForward: query.sortOrder === "asc",
    }));
  }

  private outcomeUpdate(
    outcome: { values?: Record<string, unknown> | null; interrupts?: Record<string, unknown[]> },
    extra?: string,
    live = false,
  ): { UpdateExpression: string; ExpressionAttributeNames: Record<string, string> } {
    const sets = ["#status = :status", "updated_at = :now"];
    if (outcome.values !== undefined) sets.push("#values = :values");
    if (outcome.interrupts !== undefined) sets.push("interrupts = :interrupts");
    const expiry = this.expiry();
    return {
      UpdateExpression: `SET ${sets.join(", ")}${expiry.set}${extra ? ` ${extra}` : ""}`,
      ExpressionAttributeNames: {
        "#status": "status",
        ...(outcome.values !== undefined ? { "#values": "values" } : {}),
        ...(live || expiry.set ? { "#exp": TTL_ATTRIBUTE } : {}),
      },
    };
  }

  private outcomeValues(outcome: {
    status: ThreadStatus;
    values?: Record<string, unknown> | null;
    interrupts?: Record<string, unknown[]>;
    now: string;
  }): Record<string, unknown> {
    const values: Record<string, unknown> = { ":status": outcome.status, ":now": outcome.now, ...this.expiry().values };
    if (outcome.values !== undefined) values[":values"] = fitValues(outcome.values);
    if (outcome.interrupts !== undefined) values[":interrupts"] = JSON.stringify(outcome.interrupts);
    return values;
  }
}

async function* sortedByUpdate(items: AsyncIterable<Record<string, any>>, order: "asc" | "desc") {
  const all: Record<string, any>[] = [];
  for await (const item of items) all.push(item);
  const sign = order === "desc" ? -1 : 1;
  yield* all.sort((a, b) => (a.updated_at === b.updated_at ? 0 : a.updated_at < b.updated_at ? -sign : sign));
}

/** The thread item keeps a copy of the latest values for listings, unless they are too large for an item. */
function fitValues(values: Record<string, unknown> | null): string | null {
  if (values === null) return null;
  const json = JSON.stringify(values);
  return Buffer.byteLength(json) <= MAX_VALUES_BYTES ? json : null;
}

const parse = (json: unknown, fallback: unknown) => (typeof json === "string" ? JSON.parse(json) : fallback);

function toItem(thread: Thread): Record<string, unknown> {
  return {
    ...thread,
    config: JSON.stringify(thread.config),
    values: fitValues(thread.values),
    interrupts: JSON.stringify(thread.interrupts),
  };
}

function matches(thread: Thread, query: ThreadSearch): boolean {
  if (query.status && thread.status !== query.status) return false;
  if (!matchesAuthFilters(thread.metadata, query.auth)) return false;
  return sameKeys(thread.metadata, query.metadata) && valuesMatch(thread, query.values);
}

const isExpired = (item: Record<string, unknown>) =>
  typeof item[TTL_ATTRIBUTE] === "number" && (item[TTL_ATTRIBUTE] as number) <= nowSeconds();

const valuesMatch = (thread: Thread, values: Record<string, unknown> | undefined) =>
  sameKeys(thread.values ?? {}, values);

/** Whether `record` has each key of `wanted` with a deeply equal value. */
const sameKeys = (record: Record<string, unknown>, wanted: Record<string, unknown> | undefined) =>
  Object.entries(wanted ?? {}).every(([k, v]) => isDeepStrictEqual(record[k], v));

function toThread(item: Record<string, any>): Thread {
  return {
    thread_id: item.thread_id,
    created_at: item.created_at,
    updated_at: item.updated_at,
    metadata: item.metadata ?? {},
    status: item.status ?? "idle",
    config: parse(item.config, {}),
    values: parse(item.values, null),
    interrupts: parse(item.interrupts, {}),
    active_run: item.active_run,
    ...(item.auth_scope ? { auth_scope: item.auth_scope } : {}),
  };
}
