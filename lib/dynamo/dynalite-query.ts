import { createRequire } from "node:module";

/**
 * dynalite reads a Query's items through a Node Readable over its database's iterator, wrapped in a `lazy` stream
 * (an event per item, a promise per item, and a `require("stream")` per call), which made a one-item Query cost
 * several times a GetItem (the latest checkpoint of every state read is such a Query). A Query on a table (not an
 * index) reads the same iterator here in batches instead, and applies dynalite's own steps to the items as they come:
 * the Limit and 1 MB page end, the filter, LastEvaluatedKey, the projection and the consumed capacity, in the same
 * order and with dynalite's functions, so the answer is the one its `queryTable` gives. A Query on an index goes to
 * dynalite's own code.
 */

interface Db {
  queryTable: QueryTable;
  itemSize(item: Item, compress?: boolean, addMetaSize?: boolean, rangeKey?: string): number;
  matchesExprFilter(item: Item, expression: unknown): boolean;
  matchesFilter(item: Item, filter: unknown, conditionalOperator: unknown): boolean;
  mapPaths(paths: unknown, item: Item): Item;
}

type Item = Record<string, unknown>;
type Callback = (err: Error | null, result?: Record<string, unknown>) => void;
type QueryTable = (
  store: Store,
  table: Table,
  data: QueryData,
  opts: Range,
  isLocal: boolean,
  fetchFromItemDb: boolean,
  startKeyNames: string[],
  cb: Callback,
) => void;

interface Table {
  KeySchema: { AttributeName: string }[];
}

interface QueryData {
  TableName: string;
  IndexName?: string;
  Limit?: number;
  QueryFilter?: unknown;
  ScanFilter?: unknown;
  ConditionalOperator?: unknown;
  _filter?: { expression: unknown };
  _projection?: { paths: unknown };
  AttributesToGet?: unknown;
  Select?: string;
  ReturnConsumedCapacity?: string;
  ConsistentRead?: boolean;
}

interface Range {
  gt?: string;
  gte?: string;
  lt?: string;
  lte?: string;
  reverse?: boolean;
  limit?: number;
}

interface ValueIterator {
  nextv(size: number): Promise<Item[]>;
  close(): Promise<void>;
}

interface Store {
  db: { values(options: Range): ValueIterator };
}

const require = createRequire(import.meta.url);
const PATCHED = Symbol.for("lambdagraph.dynaliteQueryBatches");
const MAX_PAGE_BYTES = 1024 * 1024;
/** Items read from the iterator at a time: a page of a few items in one, a long one without reading far past its end. */
const BATCH = 64;

/** Installs the batched read of table Queries in dynalite's database module (once per process). */
export function readDynaliteQueriesInBatches(): void {
  const db = require("dynalite/db/index.js") as Db & { [PATCHED]?: true };
  if (db[PATCHED]) return;
  const original = db.queryTable;
  db.queryTable = (store, table, data, opts, isLocal, fetchFromItemDb, startKeyNames, cb) => {
    if (data.IndexName || fetchFromItemDb)
      return original(store, table, data, opts, isLocal, fetchFromItemDb, startKeyNames, cb);
    let called = false;
    const once: Callback = (err, result) => {
      if (called) return;
      called = true;
      cb(err, result);
    };
    queryItems(db, store, table, data, opts, startKeyNames).then(
      (result) => once(null, result),
      (err: Error) => once(err),
    );
  };
  db[PATCHED] = true;
}

/**
 * The range of the table's items in the database: dynalite's item database of a table is the main database with the
 * keys prefixed (`item-<table>~`), its range options prefixed as its `createValueStream` prefixes them.
 */
function prefixed(tableName: string, opts: Range): Range {
  const prefix = `item-${tableName}~`;
  const range: Range = { ...opts };
  if (range.gte) range.gte = prefix + range.gte;
  else if (range.gt) range.gt = prefix + range.gt;
  else range.gte = prefix;
  if (range.lte) range.lte = prefix + range.lte;
  else if (range.lt) range.lt = prefix + range.lt;
  else range.lt = prefix + "\xFF";
  return range;
}

/** dynalite's `queryTable` for a table, the items read in batches. */
async function queryItems(
  db: Db,
  store: Store,
  table: Table,
  data: QueryData,
  opts: Range,
  startKeyNames: string[],
): Promise<Record<string, unknown>> {
  const calculateCapacity = data.ReturnConsumedCapacity === "TOTAL" || data.ReturnConsumedCapacity === "INDEXES";
  const rangeKey = table.KeySchema[1]?.AttributeName;
  let tableCapacity = 0;
  let size = 0;
  let count = 0;
  let items: Item[] = [];
  const full = () => count >= data.Limit! || size >= MAX_PAGE_BYTES; // (undefined Limit: never by count)
  const iterator = store.db.values(prefixed(data.TableName, opts));
  try {
    reading: while (!full()) {
      // Up to the Limit (dynalite reads one item past it, only to find the page full: the same page without it).
      const batch = await iterator.nextv(data.Limit ? Math.min(BATCH, data.Limit - count) : BATCH);
      if (batch.length === 0) break;
      for (const val of batch) {
        if (full()) break reading;
        if (calculateCapacity) tableCapacity += db.itemSize(val);
        count++;
        size += db.itemSize(val, true, true, rangeKey);
        items.push(val);
      }
    }
  } finally {
    await iterator.close();
  }

  const lastItem = items[items.length - 1];
  const queryFilter = data.QueryFilter || data.ScanFilter;
  if (data._filter) items = items.filter((val) => db.matchesExprFilter(val, data._filter!.expression));
  else if (queryFilter) items = items.filter((val) => db.matchesFilter(val, queryFilter, data.ConditionalOperator));

  const result: Record<string, unknown> = { ScannedCount: count };
  if (full()) {
    if (data.Limit) items.splice(data.Limit);
    if (lastItem) result.LastEvaluatedKey = Object.fromEntries(startKeyNames.map((attr) => [attr, lastItem[attr]]));
  }
  const paths = data._projection ? data._projection.paths : data.AttributesToGet;
  if (paths) items = items.map((item) => db.mapPaths(paths, item));
  result.Count = items.length;
  if (data.Select !== "COUNT") result.Items = items;
  if (calculateCapacity) {
    const tableUnits = Math.ceil(tableCapacity / 1024 / 4) * (data.ConsistentRead ? 1 : 0.5);
    result.ConsumedCapacity = { CapacityUnits: tableUnits, TableName: data.TableName };
    if (data.ReturnConsumedCapacity === "INDEXES")
      (result.ConsumedCapacity as Record<string, unknown>).Table = { CapacityUnits: tableUnits };
  }
  return result;
}
