/**
 * Thread search and count over the `threads` table (key schema: ./thread-store.ts): a listing merges one Query per
 * listing shard on the GSI `by_created` / `by_updated` (lib/stores/merged-query.ts), or, under custom auth filters
 * with equality conditions (an owner), reads that scope's partition of the sparse `by_scope` index. Status and
 * metadata are filtered by DynamoDB; values (stored as JSON) and what one expression cannot hold, here.
 */
import { isDeepStrictEqual } from "node:util";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { THREAD_LIST_SHARDS, threadListKey } from "../tables/definitions.js";
import { mergedQuery } from "./merged-query.js";
import type { AuthFilters } from "../auth/custom-auth.js";
import { equalityConditions, matchesAuthFilters } from "../auth/filters.js";
import { scopeKey } from "../auth/scope.js";
import { MAX_EXPRESSION_KEYS } from "../dynamo/limits.js";
import { LIVE, live, toThread, type Thread, type ThreadStatus } from "./thread-item.js";

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

export type ThreadFilters = Omit<ThreadSearch, "limit" | "offset" | "ids">;

export class ThreadSearcher {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    /** A thread by id (a consistent read; undefined when missing or expired). */
    private readonly get: (threadId: string) => Promise<Thread | undefined>,
  ) {}

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
  async *all(query: ThreadFilters): AsyncGenerator<Thread> {
    for await (const thread of this.listed(query, 1000, 1000)) if (valuesMatch(thread, query.values)) yield thread;
  }

  /**
   * Threads from a GSI, newest (or oldest) first, with status and metadata filtered by DynamoDB: every listing
   * shard is queried and the shards merged, reading about `wanted` items in all to start with. Under custom auth
   * filters with equality conditions (an owner), newest-created first reads one partition of the sparse `by_scope`
   * index: that scope's threads only, whatever the table holds.
   */
  private async *listed(query: ThreadFilters, wanted: number, maxPage: number): AsyncGenerator<Thread> {
    const filters: string[] = [LIVE];
    const names: Record<string, string> = { ...live().names };
    const values: Record<string, unknown> = { ...live().values };
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
    query: ThreadFilters,
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
}

async function* sortedByUpdate(items: AsyncIterable<Record<string, any>>, order: "asc" | "desc") {
  const all: Record<string, any>[] = [];
  for await (const item of items) all.push(item);
  const sign = order === "desc" ? -1 : 1;
  yield* all.sort((a, b) => (a.updated_at === b.updated_at ? 0 : a.updated_at < b.updated_at ? -sign : sign));
}

function matches(thread: Thread, query: ThreadSearch): boolean {
  if (query.status && thread.status !== query.status) return false;
  if (!matchesAuthFilters(thread.metadata, query.auth)) return false;
  return sameKeys(thread.metadata, query.metadata) && valuesMatch(thread, query.values);
}

const valuesMatch = (thread: Thread, values: Record<string, unknown> | undefined) =>
  sameKeys(thread.values ?? {}, values);

/** Whether `record` has each key of `wanted` with a deeply equal value. */
const sameKeys = (record: Record<string, unknown>, wanted: Record<string, unknown> | undefined) =>
  Object.entries(wanted ?? {}).every(([k, v]) => isDeepStrictEqual(record[k], v));
