/**
 * The one source of truth for lambdagraph's DynamoDB tables: key schemas, indexes and TTL attributes.
 *
 * Used by `lib/` (to create tables in the embedded DynamoDB and to find their names at run time) and by
 * `infra/` (to declare the same tables in CloudFormation). Table names reach code through the environment
 * variables named here; nothing else spells a table name.
 *
 * Every table has a string partition key `pk` and (except where noted) a string sort key `sk`.
 * The meaning of `pk`/`sk` for each table is written at the top of the module that owns that table.
 */

export type AttributeType = "S" | "N" | "B";

export interface KeyAttribute {
  name: string;
  type: AttributeType;
}

export interface IndexDefinition {
  indexName: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
}

export interface TableDefinition {
  /** Logical name, also the suffix of the physical table name. */
  id: TableId;
  /** Environment variable that carries the physical table name to functions. */
  envVar: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  globalIndexes: IndexDefinition[];
  /** Attribute holding an epoch-seconds expiry time, enforced by DynamoDB TTL on AWS. */
  ttlAttribute?: string;
}

export type TableId = "checkpoints" | "threads" | "runs" | "events" | "assistants" | "store" | "crons";

const pk: KeyAttribute = { name: "pk", type: "S" };
const sk: KeyAttribute = { name: "sk", type: "S" };

export const TTL_ATTRIBUTE = "expires_at";

/**
 * Thread listings are spread over this many index partitions (`list_pk` = "thread#00" … "thread#15", chosen by a
 * hash of the thread id), so thread writes are not capped by one GSI partition (about 1,000 writes a second);
 * readers merge the shards (lib/stores/thread-store.ts). Raising it is safe (readers query every shard below it,
 * and a thread moves to its new shard at its next write); lowering it would hide the threads of the dropped shards.
 */
export const THREAD_LIST_SHARDS = 16;

/** The `list_pk` of a thread: its listing shard. */
export function threadListShard(threadId: string): string {
  let hash = 0x811c9dc5; // FNV-1a, 32 bits: stable across processes and versions
  for (let i = 0; i < threadId.length; i++) hash = Math.imul(hash ^ threadId.charCodeAt(i), 0x01000193);
  return threadListKey((hash >>> 0) % THREAD_LIST_SHARDS);
}

/** The `list_pk` of listing shard `n`. */
export const threadListKey = (n: number) => `thread#${String(n).padStart(2, "0")}`;

/** The `list_pk` every thread had before listings were sharded (see lib/tables/migrate.ts). */
export const LEGACY_THREAD_LIST_PK = "thread";

export const TABLES: Record<TableId, TableDefinition> = {
  /** Checkpoints, channel blobs and pending writes (key schema: lib/checkpoint/keys.ts). */
  checkpoints: {
    id: "checkpoints",
    envVar: "LAMBDAGRAPH_TABLE_CHECKPOINTS",
    partitionKey: pk,
    sortKey: sk,
    globalIndexes: [],
    ttlAttribute: TTL_ATTRIBUTE,
  },
  /** Threads, with indexes for "latest threads first" listings, partitioned by listing shard (THREAD_LIST_SHARDS). */
  threads: {
    id: "threads",
    envVar: "LAMBDAGRAPH_TABLE_THREADS",
    partitionKey: pk,
    sortKey: sk,
    globalIndexes: [
      {
        indexName: "by_created",
        partitionKey: { name: "list_pk", type: "S" },
        sortKey: { name: "created_at", type: "S" },
      },
      {
        indexName: "by_updated",
        partitionKey: { name: "list_pk", type: "S" },
        sortKey: { name: "updated_at", type: "S" },
      },
      // Sparse: only threads created under custom auth with an owner-like filter have `auth_scope` (lib/auth/scope.ts).
      {
        indexName: "by_scope",
        partitionKey: { name: "auth_scope", type: "S" },
        sortKey: { name: "created_at", type: "S" },
      },
    ],
    ttlAttribute: TTL_ATTRIBUTE,
  },
  /** Runs, partitioned by thread, newest first by time-ordered run id; runs still to start or finish by lease expiry. */
  runs: {
    id: "runs",
    envVar: "LAMBDAGRAPH_TABLE_RUNS",
    partitionKey: pk,
    sortKey: sk,
    globalIndexes: [
      {
        indexName: "by_lease",
        partitionKey: { name: "lease_shard", type: "S" },
        sortKey: { name: "lease_until", type: "N" },
      },
    ],
    ttlAttribute: TTL_ATTRIBUTE,
  },
  /** The append-only stream event log, many events per item. */
  events: {
    id: "events",
    envVar: "LAMBDAGRAPH_TABLE_EVENTS",
    partitionKey: pk,
    sortKey: sk,
    globalIndexes: [],
    ttlAttribute: TTL_ATTRIBUTE,
  },
  /** Assistants and their versions. */
  assistants: {
    id: "assistants",
    envVar: "LAMBDAGRAPH_TABLE_ASSISTANTS",
    partitionKey: pk,
    sortKey: sk,
    globalIndexes: [
      {
        indexName: "by_created",
        partitionKey: { name: "list_pk", type: "S" },
        sortKey: { name: "created_at", type: "S" },
      },
    ],
  },
  /** Cron jobs (see lib/stores/cron-store.ts). */
  crons: {
    id: "crons",
    envVar: "LAMBDAGRAPH_TABLE_CRONS",
    partitionKey: pk,
    sortKey: sk,
    globalIndexes: [],
  },
  /** The long-term key-value store handed to graphs and served under /store. */
  store: {
    id: "store",
    envVar: "LAMBDAGRAPH_TABLE_STORE",
    partitionKey: pk,
    sortKey: sk,
    globalIndexes: [],
    ttlAttribute: TTL_ATTRIBUTE,
  },
};

export const TABLE_IDS = Object.keys(TABLES) as TableId[];

export type TableNames = Record<TableId, string>;

/** Physical names for a deployment or test: `<prefix>-<id>`. */
export function tableNamesWithPrefix(prefix: string): TableNames {
  return Object.fromEntries(TABLE_IDS.map((id) => [id, `${prefix}-${id}`])) as TableNames;
}

/** Physical names from the environment variables the CDK stack (or the local server) sets. */
export function tableNamesFromEnv(env: NodeJS.ProcessEnv = process.env): TableNames {
  const missing = TABLE_IDS.filter((id) => !env[TABLES[id].envVar]);
  if (missing.length > 0) {
    throw new Error(`Missing table name environment variables: ${missing.map((id) => TABLES[id].envVar).join(", ")}`);
  }
  return Object.fromEntries(TABLE_IDS.map((id) => [id, env[TABLES[id].envVar] as string])) as TableNames;
}

/** The environment variables that carry `names`, for functions and the local server. */
export function tableNamesToEnv(names: TableNames): Record<string, string> {
  return Object.fromEntries(TABLE_IDS.map((id) => [TABLES[id].envVar, names[id]]));
}
