/**
 * The checkpoints table as the saver reads and writes it: strongly consistent reads (the next Lambda to resume a
 * thread must see the last checkpoint), batched writes, and deletes that remove heads first. Keys: ./keys.ts.
 */
import { setTimeout as sleep } from "node:timers/promises";
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
import { conditionalWrite } from "../dynamo/conditional.js";
import { batchWrite } from "../dynamo/batch.js";
import {
  headOfWrite,
  headPrefix,
  headSk,
  isHead,
  isWriteOf,
  legacyWritesPrefix,
  parseHeadSk,
  type Key,
} from "./keys.js";

export type Item = Record<string, any>;

/** A checkpoint head and the pending-writes items stored under its key. */
export interface HeadWithWrites {
  head: Item;
  writes: Item[];
}

/**
 * Heads with their writes, from items in descending key order (of one thread at a time): a head's writes come just
 * before it. Writes whose head is not among the items (gone, or outside the range read) are dropped.
 */
async function* withWrites(items: AsyncIterable<Item> | Iterable<Item>): AsyncGenerator<HeadWithWrites> {
  let writes: Item[] = [];
  for await (const item of items) {
    if (!isHead(item.sk)) {
      writes.push(item);
      continue;
    }
    const ofHead = writes.filter((w) => w.pk === item.pk && isWriteOf(w.sk, item.sk));
    writes = [];
    yield { head: item, writes: ofHead.reverse() };
  }
}

export class CheckpointTable {
  constructor(
    readonly client: DynamoDBDocumentClient,
    readonly name: string,
  ) {}

  async get(key: Key, projection?: string): Promise<Item | undefined> {
    const result = await this.client.send(
      new GetCommand({ TableName: this.name, Key: key, ProjectionExpression: projection, ConsistentRead: true }),
    );
    return result.Item;
  }

  /**
   * The newest head of namespace `ns` (checkpoint ids sort by time) with its pending writes, newest first: one
   * Query of one item when the newest item is a head (its writes would come before it); when it is a write, one
   * more for that head and its writes. Writes whose head is gone (a delete cut short) are passed over.
   */
  async latestHead(threadId: string, ns: string): Promise<HeadWithWrites | undefined> {
    const prefix = headPrefix(ns);
    let below: string | undefined;
    for (;;) {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.name,
          KeyConditionExpression: below
            ? "pk = :pk AND sk BETWEEN :prefix AND :below"
            : "pk = :pk AND begins_with(sk, :prefix)",
          ExpressionAttributeValues: { ":pk": threadId, ":prefix": prefix, ...(below && { ":below": below }) },
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      );
      const newest = result.Items?.[0];
      if (!newest) return undefined;
      if (isHead(newest.sk)) return { head: newest, writes: [] };
      const headKey = headOfWrite(newest.sk);
      const found = await this.headWithWrites(threadId, headKey);
      if (found) return found;
      below = headKey; // nothing under it but writes: look below them
    }
  }

  /** The head `headKey` with its pending writes (one Query of its key as prefix), or undefined when it is not there. */
  async headWithWrites(threadId: string, headKey: string): Promise<HeadWithWrites | undefined> {
    const items = await this.queryAll(threadId, headKey);
    const head = items.find((item) => item.sk === headKey);
    return head && { head, writes: items.filter((item) => isWriteOf(item.sk, headKey)) };
  }

  /** Writes of `head` under the earlier `wr#` keys (./keys.ts): only a head without `wk` can have them. */
  async legacyWrites(head: Item): Promise<Item[]> {
    if (head.wk) return [];
    const { ns, checkpointId } = parseHeadSk(head.sk);
    return this.queryAll(head.pk, legacyWritesPrefix(ns, checkpointId));
  }

  /**
   * Checkpoint heads newest first, each with its pending writes: of one thread (and namespace, up to `beforeId`
   * inclusive) by Query, or of every thread by Scan.
   */
  async *heads(
    threadId: string | undefined,
    ns: string | undefined,
    beforeId: string | undefined,
  ): AsyncGenerator<HeadWithWrites> {
    const prefix = headPrefix(ns);
    if (threadId === undefined) {
      const all: Item[] = [];
      const scan = paginateScan(
        { client: this.client },
        {
          TableName: this.name,
          FilterExpression: "begins_with(sk, :prefix)",
          ExpressionAttributeValues: { ":prefix": prefix },
          ConsistentRead: true,
        },
      );
      for await (const page of scan) all.push(...(page.Items ?? []));
      all.sort((a, b) => (a.pk === b.pk ? (a.sk < b.sk ? 1 : -1) : a.pk < b.pk ? -1 : 1));
      yield* withWrites(all);
      return;
    }
    const query: QueryCommandInput = {
      TableName: this.name,
      ScanIndexForward: false,
      ConsistentRead: true,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: { ":pk": threadId, ":prefix": prefix },
    };
    if (ns !== undefined && beforeId) {
      query.KeyConditionExpression = "pk = :pk AND sk BETWEEN :lo AND :hi";
      query.ExpressionAttributeValues = { ":pk": threadId, ":lo": prefix, ":hi": headSk(ns, beforeId) };
    }
    async function* items(client: DynamoDBDocumentClient) {
      for await (const page of paginateQuery({ client, pageSize: 25 }, query)) yield* page.Items ?? [];
    }
    yield* withWrites(items(this.client));
  }

  /** Every item of a thread whose sort key starts with `prefix` (`prefix` "" = all). */
  async queryAll(pk: string, prefix: string, projection?: string): Promise<Item[]> {
    const items: Item[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.name,
        KeyConditionExpression: prefix ? "pk = :pk AND begins_with(sk, :prefix)" : "pk = :pk",
        ExpressionAttributeValues: prefix ? { ":pk": pk, ":prefix": prefix } : { ":pk": pk },
        ProjectionExpression: projection,
        ConsistentRead: true,
      },
    );
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items;
  }

  /** The keys of every item of a thread. */
  async keysOf(threadId: string): Promise<Key[]> {
    return (await this.queryAll(threadId, "", "pk, sk")) as Key[];
  }

  /** The items under these sort keys of one thread that exist, in no particular order. */
  async batchGet(pk: string, sks: string[]): Promise<Item[]> {
    const items: Item[] = [];
    for (let i = 0; i < sks.length; i += 100) {
      let pending: Key[] = sks.slice(i, i + 100).map((sk) => ({ pk, sk }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > 8) throw new Error(`BatchGetItem on ${this.name}: keys still unprocessed after retries`);
        if (attempt > 0) await sleep(25 * 2 ** attempt);
        const result = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.name]: { Keys: pending, ConsistentRead: true } } }),
        );
        items.push(...(result.Responses?.[this.name] ?? []));
        pending = (result.UnprocessedKeys?.[this.name]?.Keys as Key[] | undefined) ?? [];
      }
    }
    return items;
  }

  /** Puts one item; with `ifAbsent`, an existing item under its key is kept (and the put is a no-op). */
  async put(item: Item, options: { ifAbsent?: boolean } = {}): Promise<void> {
    const condition = options.ifAbsent ? { ConditionExpression: "attribute_not_exists(pk)" } : {};
    await conditionalWrite(() => this.client.send(new PutCommand({ TableName: this.name, Item: item, ...condition })));
  }

  /** Puts items in batches, in order. */
  async putAll(items: Item[]): Promise<void> {
    await batchWrite(
      this.client,
      this.name,
      items.map((Item) => ({ PutRequest: { Item } })),
    );
  }

  /** Deletes items, heads first, so no reader finds a checkpoint whose chunks are already gone. */
  async deleteKeys(keys: Key[]): Promise<void> {
    const ordered = [...keys].sort((a, b) => Number(!isHead(a.sk)) - Number(!isHead(b.sk)));
    await batchWrite(
      this.client,
      this.name,
      ordered.map((Key) => ({ DeleteRequest: { Key } })),
    );
  }
}
