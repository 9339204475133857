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
import { headPrefix, headSk, isHead, type Key } from "./keys.js";

export type Item = Record<string, any>;

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

  /** The newest head of namespace `ns` (checkpoint ids sort by time). */
  async latestHead(threadId: string, ns: string): Promise<Item | undefined> {
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.name,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": threadId, ":prefix": headPrefix(ns) },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return result.Items?.[0];
  }

  /**
   * Checkpoint heads newest first: of one thread (and namespace, up to `beforeId` inclusive) by Query, or of every
   * thread by Scan.
   */
  async *heads(
    threadId: string | undefined,
    ns: string | undefined,
    beforeId: string | undefined,
  ): AsyncGenerator<Item> {
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
      yield* all;
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
    for await (const page of paginateQuery({ client: this.client, pageSize: 25 }, query)) yield* page.Items ?? [];
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
