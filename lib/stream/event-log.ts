/**
 * EventLog: every run's stream events, append-only, in the `events` table — any number of readers, replay from
 * any id, kept after the run ends (until `expires_at`).
 *
 * Key schema:
 *   pk = run_id, sk = the id of the LAST event in the item, zero-padded to 12 digits.
 *   So "every event after id N" is one Query: sk > pad(N).
 *   `events` holds [[id, event, data], ...] as JSON — many events per item (a flush every `flushMs` or ~300 KB),
 *   never one write per token — deflated into a binary `z` attribute when that is smaller (token events repeat
 *   the same metadata, so a streamed reply compresses about tenfold: write units are billed per KB).
 *
 * Event ids count from 0 (the `metadata` event) per run and are strictly increasing; they are the SSE `id:`.
 */
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { PutCommand, QueryCommand, paginateQuery, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { batchWrite, partitionKeys } from "../dynamo/batch.js";
import type { LiveHub } from "./live-hub.js";

export interface StreamEvent {
  id: number;
  event: string;
  data: unknown;
}

export interface EventLogOptions {
  /** How long the writer gathers events before one write. Default 50 ms. */
  flushMs?: number;
  /** Events expire this long after they are written. */
  ttlSeconds?: number;
}

const pad = (seq: number) => String(seq).padStart(12, "0");

type Batch = [number, string, unknown][];

function encodeBatch(batch: Batch): { events: string } | { z: Uint8Array } {
  const json = JSON.stringify(batch);
  if (json.length < 1024) return { events: json };
  const deflated = deflateRawSync(json);
  return deflated.byteLength < json.length * 0.9 ? { z: deflated } : { events: json };
}

function decodeBatch(item: Record<string, unknown>): Batch {
  const json = item.z ? inflateRawSync(item.z as Uint8Array).toString("utf8") : (item.events as string);
  return JSON.parse(json) as Batch;
}
const MAX_ITEM_BYTES = 300_000;

export class EventLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly hub: LiveHub,
    private readonly options: EventLogOptions = {},
  ) {}

  /**
   * A writer that appends after the last stored event of the run; `fresh` (a first attempt) starts at 0.
   * `ttlSeconds` overrides the log's for this run's events.
   */
  async writer(runId: string, options: { fresh?: boolean; ttlSeconds?: number } = {}): Promise<EventWriter> {
    const last = options.fresh ? -1 : await this.lastId(runId);
    const ttlSeconds = options.ttlSeconds ?? this.options.ttlSeconds;
    return new EventWriter(this.client, this.table, this.hub, runId, last + 1, { ...this.options, ttlSeconds });
  }

  /** Stored events with id > afterId, in order. */
  async read(runId: string, afterId: number): Promise<StreamEvent[]> {
    const events: StreamEvent[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.table,
        KeyConditionExpression: "pk = :run AND sk > :after",
        ExpressionAttributeValues: { ":run": runId, ":after": pad(Math.max(afterId, -1)) },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        for (const [id, event, data] of decodeBatch(item)) {
          if (id > afterId) events.push({ id, event, data });
        }
      }
    }
    return events;
  }

  /** Deletes every stored event of the run (with its run or thread). */
  async delete(runId: string): Promise<void> {
    const keys = await partitionKeys(this.client, this.table, runId);
    await batchWrite(this.client, this.table, keys.map((Key) => ({ DeleteRequest: { Key } })));
  }

  async lastId(runId: string): Promise<number> {
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: "pk = :run",
        ExpressionAttributeValues: { ":run": runId },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
        ProjectionExpression: "sk",
      }),
    );
    const sk = result.Items?.[0]?.sk as string | undefined;
    return sk === undefined ? -1 : Number(sk);
  }

  /**
   * Follows a run's events after `afterId` until its `end` event: from memory when this process runs the graph,
   * else by reading the log, waking on local activity or every `pollMs`. `isFinished` is asked when the log
   * goes quiet, so a run that died without an `end` event does not hold readers forever.
   */
  async *follow(
    runId: string,
    afterId: number,
    options: { signal?: AbortSignal; pollMs?: number; isFinished?: () => Promise<boolean> } = {},
  ): AsyncGenerator<StreamEvent> {
    let last = afterId;
    let quietPolls = 0;
    const pollMs = options.pollMs ?? 100;
    while (!options.signal?.aborted) {
      const live = this.hub.since(runId, last);
      const events = live ? live.events : await this.read(runId, last);
      for (const event of events) {
        yield event;
        last = event.id;
        if (event.event === "end") return;
      }
      if (live?.ended) return;
      if (events.length > 0) {
        quietPolls = 0;
        continue;
      }
      if (!live && ++quietPolls % 20 === 0 && options.isFinished && (await options.isFinished())) {
        // One last read: the final batch may have landed between the read above and the status check.
        for (const event of await this.read(runId, last)) yield event;
        return;
      }
      await this.hub.wait(runId, live ? 15_000 : pollMs, options.signal);
    }
  }
}

export class EventWriter {
  private buffer: StreamEvent[] = [];
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();
  private failure?: unknown;
  private next: number;
  /** Number of items written (for cost measurements). */
  writes = 0;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly hub: LiveHub,
    readonly runId: string,
    firstId: number,
    private readonly options: EventLogOptions,
  ) {
    this.next = firstId;
    hub.own(runId, firstId);
  }

  /** Appends an event and returns its id. Local readers see it at once; the log gets it with the next flush. */
  append(event: string, data: unknown): number {
    const entry = { id: this.next++, event, data };
    this.buffer.push(entry);
    this.hub.publish(this.runId, entry);
    this.timer ??= setTimeout(() => void this.flush(), this.options.flushMs ?? 50);
    return entry.id;
  }

  /** Writes everything appended so far; resolves when it is stored. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const events = this.buffer;
    this.buffer = [];
    if (events.length > 0) {
      this.writing = this.writing.then(() => this.store(events)).catch((err) => {
        this.failure ??= err;
      });
    }
    return this.writing.then(() => {
      if (this.failure) throw this.failure;
    });
  }

  /** Flushes, and lets local readers continue from the log: the run goes on in another invocation. */
  async detach(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.hub.disown(this.runId);
    }
  }

  /** Flushes and marks the run's stream as ended for local readers. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.hub.end(this.runId);
    }
  }

  private async store(events: StreamEvent[]): Promise<void> {
    const expires = this.options.ttlSeconds ? { expires_at: Math.floor(Date.now() / 1000) + this.options.ttlSeconds } : {};
    let batch: [number, string, unknown][] = [];
    let bytes = 0;
    const put = async () => {
      const last = batch[batch.length - 1][0];
      await this.client.send(new PutCommand({ TableName: this.table, Item: { pk: this.runId, sk: pad(last), ...encodeBatch(batch), ...expires } }));
      this.writes++;
      batch = [];
      bytes = 0;
    };
    for (const e of events) {
      const size = Buffer.byteLength(JSON.stringify(e.data) ?? "null") + e.event.length + 24;
      if (batch.length > 0 && bytes + size > MAX_ITEM_BYTES) await put();
      batch.push([e.id, e.event, e.data]);
      bytes += size;
    }
    if (batch.length > 0) await put();
  }
}
