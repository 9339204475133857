/**
 * DynamoDBStore: LangGraph's long-term key-value store (`BaseStore`) in the `store` table — the store graphs get as
 * `config.store`, and the one the /store endpoints serve.
 *
 * Key schema (namespace labels never contain "." or ":" — `validateNamespace` rejects both):
 *   pk = namespace[0]
 *   sk = every further label followed by ".", then ":", then the key
 *     ["users", "u1", "prefs"] / "theme"  →  pk "users", sk "u1.prefs.:theme"
 *     ["users"] / "count"                 →  pk "users", sk ":count"
 * so the namespaces under a prefix of whole labels share one partition and one sort-key prefix:
 *   search(["users", "u1"])  = Query pk = "users" AND begins_with(sk, "u1.")   (never ["users", "u10"])
 *   search(["users"])        = Query pk = "users"
 *   search([])               = Scan: the only way to see every partition
 * listNamespaces Queries the same way when its prefix starts with concrete labels, and otherwise (no prefix, a "*"
 * first label, a suffix only) Scans. Both read every item under the prefix, and DynamoDB charges a Scan for the
 * whole table. Search stops reading once it has offset + limit matches.
 * One top-level label is one partition key: fine for ["memories", userId]-style namespaces (DynamoDB splits a hot
 * item collection by sort key), but a single key's throughput limits apply to everything under one first label.
 *
 * Attributes: namespace (list), key, value (a JSON string: values may hold what a DynamoDB map cannot — empty keys,
 * deep nesting), created_at / updated_at (ISO), and, for items put with a ttl (minutes), ttl_minutes and
 * expires_at (epoch seconds, the table's TTL attribute). DynamoDB deletes expired items eventually (often days
 * later), so every read also drops items whose expires_at has passed. Reads push the expiry of the items they return
 * ttl_minutes further out unless asked not to (`refreshTtl: false`), as LangGraph's Python stores do by default.
 *
 * The JS BaseStore has no TTL, so `put` takes `{ ttl }` and `get`/`search` take `{ refreshTtl }` as extra, optional
 * arguments. langgraph.json `store.ttl` sets the defaults (lib/config/ttl.ts): `default_ttl` for a put that gives no
 * ttl (`ttl: null` means never), and `refresh_on_read` for a read that does not say; through `batch` (which is how a
 * graph reaches the store) puts and reads take those defaults.
 *
 * Search has no embeddings: a `query` is ignored and every result has score undefined. Results come in sort-key
 * order (namespace, then key).
 */
import { conditionalWrite } from "../dynamo/conditional.js";
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  paginateQuery,
  paginateScan,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import {
  BaseStore,
  validateNamespace,
  type GetOperation,
  type Item,
  type ListNamespacesOperation,
  type MatchCondition,
  type Operation,
  type OperationResults,
  type SearchItem,
  type SearchOperation,
} from "@langchain/langgraph-checkpoint";
import { TTL_ATTRIBUTE } from "../tables/definitions.js";
import { matchesFilter } from "./kv-filter.js";
import { MAX_ITEM_BYTES, MAX_PK_BYTES, MAX_SK_BYTES } from "../dynamo/limits.js";

/** Raised when an item cannot be stored in DynamoDB: its key or its whole item is too large. */
export class StoreLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StoreLimitError";
  }
}

type Row = Record<string, unknown>;

interface ItemKey {
  pk: string;
  sk: string;
}

interface Put {
  namespace: string[];
  key: string;
  value: Record<string, unknown> | null;
  /** Minutes until the item expires; absent or null = never. */
  ttl?: number | null;
}

export interface DynamoDBStoreOptions {
  /** Minutes a put item lives when the put gives no ttl (langgraph.json `store.ttl.default_ttl`). Default: forever. */
  defaultTtl?: number | null;
  /** Whether reads push expiries out when they do not say (`store.ttl.refresh_on_read`). Default true. */
  refreshOnRead?: boolean;
}

export class DynamoDBStore extends BaseStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly options: DynamoDBStoreOptions = {},
  ) {
    super();
  }

  private get refreshOnRead(): boolean {
    return this.options.refreshOnRead ?? true;
  }

  /**
   * Runs the operations as InMemoryStore does: reads see the store as it was before the batch, and of several puts
   * to one item the last wins.
   */
  async batch<Op extends Operation[]>(operations: Op): Promise<OperationResults<Op>> {
    const puts = new Map<string, Put>();
    for (const op of operations) {
      if ("namespacePrefix" in op) validateNamespace(op.namespacePrefix, { allowEmpty: true, allowReservedRoot: true });
      else if ("namespace" in op) validateNamespace(op.namespace, { allowReservedRoot: true });
      if ("value" in op)
        puts.set(JSON.stringify([op.namespace, op.key]), {
          ...op,
          ttl: "ttl" in op && op.ttl !== undefined ? (op.ttl as number | null) : this.options.defaultTtl,
        });
    }
    const results = await Promise.all(
      operations.map((op) => {
        if ("namespacePrefix" in op) return this.searchOp(op, this.refreshOnRead);
        if ("value" in op) return undefined;
        if ("key" in op) return this.getOp(op, this.refreshOnRead);
        return this.listNamespacesOp(op);
      }),
    );
    await Promise.all([...puts.values()].map((put) => this.write(put)));
    return results as OperationResults<Op>;
  }

  /** The item, or null; refreshes its expiry unless `refreshTtl` is false. */
  override async get(
    namespace: string[],
    key: string,
    options: { refreshTtl?: boolean | null } = {},
  ): Promise<Item | null> {
    validateNamespace(namespace, { allowReservedRoot: true });
    return this.getOp({ namespace, key }, options.refreshTtl ?? this.refreshOnRead);
  }

  /**
   * Stores `value`; with `ttl` (minutes) the item expires that long after its last write or read; without one, after
   * the store's default_ttl if it has one; `ttl: null` never.
   */
  override async put(
    namespace: string[],
    key: string,
    value: Record<string, unknown>,
    _index?: false | string[],
    options: { ttl?: number | null } = {},
  ): Promise<void> {
    validateNamespace(namespace);
    await this.write({ namespace, key, value, ttl: options.ttl === undefined ? this.options.defaultTtl : options.ttl });
  }

  override async search(
    namespacePrefix: string[],
    options: {
      filter?: Record<string, unknown>;
      limit?: number;
      offset?: number;
      query?: string;
      refreshTtl?: boolean | null;
    } = {},
  ): Promise<SearchItem[]> {
    validateNamespace(namespacePrefix, { allowEmpty: true, allowReservedRoot: true });
    const { refreshTtl, ...op } = options;
    return this.searchOp({ namespacePrefix, ...op }, refreshTtl ?? this.refreshOnRead);
  }

  private async getOp(op: GetOperation, refreshTtl: boolean): Promise<Item | null> {
    const key = itemKey(op.namespace, op.key);
    if (!fits(key)) return null; // DynamoDB could never have stored it
    const result = await this.client.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
    const row = result.Item;
    if (!row || isExpired(row)) return null;
    if (refreshTtl) await this.refreshExpiry([row]);
    return toItem(row);
  }

  private async searchOp(op: SearchOperation, refreshTtl: boolean): Promise<SearchItem[]> {
    const offset = op.offset ?? 0;
    const wanted = offset + (op.limit ?? 10);
    const matches: { row: Row; item: Item }[] = [];
    if (wanted > offset) {
      for await (const row of this.rowsUnder(op.namespacePrefix, { pageSize: Math.min(Math.max(wanted, 25), 1000) })) {
        const item = toItem(row);
        if (op.filter && !matchesFilter(item.value, op.filter)) continue;
        matches.push({ row, item });
        if (matches.length >= wanted) break;
      }
    }
    const page = matches.slice(offset, wanted);
    if (refreshTtl) await this.refreshExpiry(page.map(({ row }) => row));
    return page.map(({ item }) => ({ ...item, score: undefined }));
  }

  private async listNamespacesOp(op: ListNamespacesOperation): Promise<string[][]> {
    const conditions = op.matchConditions ?? [];
    const prefix = conditions.find((c) => c.matchType === "prefix")?.path ?? [];
    const wildcard = prefix.indexOf("*");
    const concrete = wildcard === -1 ? prefix : prefix.slice(0, wildcard);
    const found = new Map<string, string[]>();
    for await (const row of this.rowsUnder(concrete, { projection: "namespace" })) {
      let namespace = row.namespace as string[];
      if (!conditions.every((condition) => matchesCondition(condition, namespace))) continue;
      if (op.maxDepth !== undefined) namespace = namespace.slice(0, op.maxDepth);
      found.set(namespace.join("."), namespace);
    }
    const offset = op.offset ?? 0;
    return [...found.values()].sort(compareNamespaces).slice(offset, offset + op.limit);
  }

  /** Live (unexpired) items under `prefix` (whole labels), page by page: a Query, or a Scan when `prefix` is empty. */
  private async *rowsUnder(prefix: string[], options: { pageSize?: number; projection?: string }): AsyncGenerator<Row> {
    const names: Record<string, string> = { "#exp": TTL_ATTRIBUTE };
    const values: Record<string, unknown> = { ":now": epochSeconds() };
    if (options.projection) names["#projected"] = options.projection;
    const input = {
      TableName: this.table,
      FilterExpression: "attribute_not_exists(#exp) OR #exp > :now",
      ProjectionExpression: options.projection ? "#projected" : undefined,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ConsistentRead: true,
    };
    const paging = { client: this.client, pageSize: options.pageSize };
    let pages;
    if (prefix.length === 0) {
      pages = paginateScan(paging, input);
    } else {
      // No item lives under a prefix no key could hold (and DynamoDB would refuse the Query).
      if (!fits({ pk: prefix[0], sk: labelsPrefix(prefix.slice(1)) })) return;
      values[":pk"] = prefix[0];
      const rest = prefix.slice(1);
      if (rest.length > 0) values[":sk"] = labelsPrefix(rest);
      pages = paginateQuery(paging, {
        ...input,
        KeyConditionExpression: rest.length > 0 ? "pk = :pk AND begins_with(sk, :sk)" : "pk = :pk",
      });
    }
    for await (const page of pages) yield* page.Items ?? [];
  }

  private async write(put: Put): Promise<void> {
    const key = itemKey(put.namespace, put.key);
    if (put.value === null) {
      if (fits(key)) await this.client.send(new DeleteCommand({ TableName: this.table, Key: key }));
      return;
    }
    const where = `namespace ${JSON.stringify(put.namespace)}, key ${JSON.stringify(put.key)}`;
    if (!fits(key)) {
      throw new StoreLimitError(
        `Store item ${where}: namespace and key are too long for DynamoDB's keys (at most ${MAX_PK_BYTES} bytes for the first label, ${MAX_SK_BYTES} for the other labels and the key together)`,
      );
    }
    if (put.ttl != null && !(Number.isFinite(put.ttl) && put.ttl > 0)) {
      throw new RangeError(`Store item ${where}: ttl must be a positive number of minutes, got ${put.ttl}`);
    }
    const now = new Date().toISOString();
    const value = JSON.stringify(put.value);
    const attributes: Row = { namespace: put.namespace, key: put.key, value, updated_at: now };
    if (put.ttl != null) Object.assign(attributes, { ttl_minutes: put.ttl, [TTL_ATTRIBUTE]: expiryFor(put.ttl) });
    // Overestimates DynamoDB's own measure a little (JSON punctuation), never underestimates it.
    const bytes =
      Buffer.byteLength(value) +
      Buffer.byteLength(JSON.stringify({ ...key, ...attributes, value: "", created_at: now }));
    if (bytes > MAX_ITEM_BYTES) {
      throw new StoreLimitError(
        `Store item ${where} is ${bytes} bytes; DynamoDB items hold at most ${MAX_ITEM_BYTES} bytes`,
      );
    }

    const entries = Object.entries(attributes);
    const removed = put.ttl == null ? " REMOVE ttl_minutes, #exp" : "";
    // One write that keeps created_at of a live item; an expired one DynamoDB has not deleted yet counts as gone.
    const updated = await conditionalWrite(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: `SET ${entries.map((_, i) => `#a${i} = :a${i}`).join(", ")}, created_at = if_not_exists(created_at, :created)${removed}`,
          ConditionExpression: "attribute_not_exists(#exp) OR #exp > :now",
          ExpressionAttributeNames: {
            "#exp": TTL_ATTRIBUTE,
            ...Object.fromEntries(entries.map(([name], i) => [`#a${i}`, name])),
          },
          ExpressionAttributeValues: {
            ":created": now,
            ":now": epochSeconds(),
            ...Object.fromEntries(entries.map(([, v], i) => [`:a${i}`, v])),
          },
        }),
      ),
    );
    if (!updated) {
      await this.client.send(
        new PutCommand({ TableName: this.table, Item: { ...key, ...attributes, created_at: now } }),
      );
    }
  }

  /** Pushes out the expiry of those rows that have a ttl; an item that expired or went away meanwhile stays gone. */
  private async refreshExpiry(rows: Row[]): Promise<void> {
    const now = epochSeconds();
    await Promise.all(
      rows
        .filter((row) => typeof row.ttl_minutes === "number")
        .map(async (row) => {
          await conditionalWrite(() =>
            this.client.send(
              new UpdateCommand({
                TableName: this.table,
                Key: { pk: row.pk, sk: row.sk },
                UpdateExpression: "SET #exp = :exp",
                ConditionExpression: "#exp > :now",
                ExpressionAttributeNames: { "#exp": TTL_ATTRIBUTE },
                ExpressionAttributeValues: { ":exp": expiryFor(row.ttl_minutes as number), ":now": now },
              }),
            ),
          );
        }),
    );
  }
}

function itemKey(namespace: string[], key: string): ItemKey {
  return { pk: namespace[0], sk: `${labelsPrefix(namespace.slice(1))}:${key}` };
}

/** The sort-key prefix of every namespace that starts with these labels (after the first). */
function labelsPrefix(labels: string[]): string {
  return labels.map((label) => `${label}.`).join("");
}

/** Whether a key (or a key prefix, whose sort key may be empty) is within DynamoDB's key sizes. */
function fits(key: ItemKey): boolean {
  return Buffer.byteLength(key.pk) <= MAX_PK_BYTES && Buffer.byteLength(key.sk) <= MAX_SK_BYTES;
}

function toItem(row: Row): Item {
  return {
    namespace: row.namespace as string[],
    key: row.key as string,
    value: JSON.parse(row.value as string),
    createdAt: new Date(row.created_at as string),
    updatedAt: new Date(row.updated_at as string),
  };
}

const epochSeconds = () => Math.floor(Date.now() / 1000);
const expiryFor = (ttlMinutes: number) => Math.ceil(Date.now() / 1000 + ttlMinutes * 60);
const isExpired = (row: Row) =>
  typeof row[TTL_ATTRIBUTE] === "number" && (row[TTL_ATTRIBUTE] as number) <= epochSeconds();

/** Namespace match with "*" for any one label, as InMemoryStore's. */
function matchesCondition({ matchType, path }: MatchCondition, namespace: string[]): boolean {
  if (path.length > namespace.length) return false;
  const start = matchType === "prefix" ? 0 : namespace.length - path.length;
  return path.every((label, i) => label === "*" || label === namespace[start + i]);
}

/** Label by label, shorter first on a tie. */
function compareNamespaces(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return a.length - b.length;
}
