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
 *
 * Here: reads and writes of one thread. The item's shape and marshalling: ./thread-item.ts; search and count over
 * the listing shards and `by_scope`: ./thread-search.ts.
 */
import { conditionalResult, conditionalWrite } from "../dynamo/conditional.js";
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import { TTL_ATTRIBUTE } from "../tables/definitions.js";
import { isItemSizeRefusal, itemBytes, keyFits, MAX_EXPRESSION_KEYS, MAX_ITEM_BYTES } from "../dynamo/limits.js";
import { assertItemFits, ItemTooLargeError } from "./limits.js";
import {
  fitValues,
  isExpired,
  LIVE,
  live,
  nowSeconds,
  THREAD_SK as SK,
  threadItem,
  toThread,
  type Thread,
  type ThreadStatus,
} from "./thread-item.js";
import { clearWaiting, markWaiting, WAITING, type Released } from "./thread-waiting.js";
import { RecentThreads } from "./recent-threads.js";
import { ThreadSearcher, type ThreadFilters, type ThreadSearch } from "./thread-search.js";

export { newThread, type Thread, type ThreadStatus } from "./thread-item.js";
export type { ThreadSearch } from "./thread-search.js";
export type { Released } from "./thread-waiting.js";

/** "changed": refused because the thread was written since `unchangedSince` (see acquire). */
export type AcquireResult = "acquired" | "busy" | "missing" | "changed";

export interface ThreadStoreOptions {
  /** Threads expire this many minutes after their last write (langgraph.json `checkpointer.ttl.default_ttl`). */
  ttlMinutes?: number;
}

export class ThreadStore {
  private readonly searcher: ThreadSearcher;
  private readonly seen = new RecentThreads();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly options: ThreadStoreOptions = {},
  ) {
    this.searcher = new ThreadSearcher(client, table, (threadId) => this.get(threadId));
  }

  /** The expiry every write sets (with its names and values), or nothing without a TTL. */
  private expiry(): { set: string; names: Record<string, string>; values: Record<string, unknown> } {
    if (this.options.ttlMinutes === undefined) return { set: "", names: {}, values: {} };
    return {
      set: ", #exp = :expires",
      names: { "#exp": TTL_ATTRIBUTE },
      values: { ":expires": nowSeconds() + Math.ceil(this.options.ttlMinutes * 60) },
    };
  }

  /** The stored item of a thread, keys included (for bulk loads: see bench/thread-search.ts). */
  static toItem(thread: Thread): Record<string, unknown> {
    return threadItem(thread);
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
    const created = await conditionalWrite(() =>
      this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          // An expired thread DynamoDB has not deleted yet is gone: a new one may take its id.
          ConditionExpression: `attribute_not_exists(pk) OR NOT ${LIVE}`,
          ExpressionAttributeNames: live().names,
          ExpressionAttributeValues: live().values,
        }),
      ),
    );
    // As written: its first run takes it without reading it again (./recent-threads.ts).
    if (created) this.seen.remember(thread.thread_id, toThread(item));
    return created;
  }

  async get(threadId: string): Promise<Thread | undefined> {
    if (!keyFits(threadId)) return undefined;
    const result = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { pk: threadId, sk: SK }, ConsistentRead: true }),
    );
    return this.seen.remember(threadId, result.Item && !isExpired(result.Item) ? toThread(result.Item) : undefined);
  }

  /** The thread as this store last read, created or freed it (./recent-threads.ts), if it did lately. */
  recent(threadId: string): Thread | undefined {
    return this.seen.get(threadId);
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
    const names: Record<string, string> = { ...live().names };
    const values: Record<string, unknown> = { ":now": patch.now, ...live().values };
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
    this.seen.remember(threadId, undefined);
    return result.Attributes !== undefined && !isExpired(result.Attributes);
  }

  /**
   * Takes the thread for `runId` in one conditional write, which also records `metadata` keys (the graph and
   * assistant the thread now runs) and, when given, the thread's new `config` (what its runs are configured with).
   * With `unchangedSince` (an `updated_at`), only if no write came since: "changed" when one did.
   */
  async acquire(
    threadId: string,
    runId: string,
    now: string,
    metadata: Record<string, unknown> = {},
    config?: Record<string, unknown>,
    unchangedSince?: string,
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
          ConditionExpression:
            `attribute_exists(pk) AND attribute_not_exists(active_run) AND ${LIVE}` +
            (unchangedSince === undefined ? "" : " AND updated_at = :seen"),
          ExpressionAttributeNames: {
            "#status": "status",
            ...setConfig.names,
            ...live().names,
            ...Object.fromEntries(entries.map(([k], i) => [`#k${i}`, k])),
          },
          ExpressionAttributeValues: {
            ...setConfig.values,
            ":run": runId,
            ":busy": "busy",
            ":now": now,
            ...(unchangedSince === undefined ? {} : { ":seen": unchangedSince }),
            ...live().values,
            ...expiry.values,
            ...Object.fromEntries(entries.map(([, v], i) => [`:v${i}`, v])),
          },
        }),
      ),
    );
    if (acquired) return "acquired";
    // The write was refused; a read only tells which answer to give (nothing is decided by it).
    const thread = await this.get(threadId);
    if (!thread) return "missing";
    return unchangedSince !== undefined && thread.updated_at !== unchangedSince ? "changed" : "busy";
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
   * Returns false when `runId` did not hold it (then nothing is written), else its waiting marks (see markWaiting).
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
  ): Promise<Released | false> {
    try {
      const result = await conditionalResult(() =>
        this.client.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk: threadId, sk: SK },
            ...this.outcomeUpdate(outcome, "REMOVE active_run"),
            ConditionExpression: "active_run = :run",
            ExpressionAttributeValues: { ...this.outcomeValues(outcome), ":run": runId },
            ReturnValues: "ALL_NEW", // for its waiting marks (a response's size costs no capacity)
          }),
        ),
      );
      if (!result) return false;
      this.seen.remember(threadId, toThread(result.Attributes!));
      return {
        waitingMarks: Number(result.Attributes?.[WAITING] ?? 0),
        updatedAt: String(result.Attributes!.updated_at),
      };
    } catch (err) {
      // The copy of the values does not fit beside the thread's metadata: without it (the checkpoint has them).
      if (isItemSizeRefusal(err) && outcome.values) return this.release(threadId, runId, { ...outcome, values: null });
      throw err;
    }
  }

  /** Marks that a run waits in line for the thread, before it tries to take it (./thread-waiting.ts). */
  markWaiting(threadId: string): Promise<void> {
    return markWaiting(this.client, this.table, threadId);
  }

  /** Clears the waiting marks once no run waits, unless one was added since they were `marks`. */
  clearWaiting(threadId: string, marks: number): Promise<void> {
    return clearWaiting(this.client, this.table, threadId, marks);
  }

  /** Newest (or oldest) threads first via a GSI; filters apply page by page, so no table scan (./thread-search.ts). */
  search(query: ThreadSearch): Promise<Thread[]> {
    return this.searcher.search(query);
  }

  /** Every thread matching the filters, in index order: one pass (POST /threads/count). */
  all(query: ThreadFilters): AsyncGenerator<Thread> {
    return this.searcher.all(query);
  }

  private outcomeUpdate(
    outcome: { values?: Record<string, unknown> | null; interrupts?: Record<string, unknown[]> },
    extra?: string,
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
        ...(expiry.set ? { "#exp": TTL_ATTRIBUTE } : {}),
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
