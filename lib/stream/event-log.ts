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
 * An event too large for one item (DynamoDB holds 400 KB; a `values` event carrying a document can be megabytes)
 * is split, as the checkpointer splits a large checkpoint: its encoded batch goes into chunks of CHUNK_BYTES.
 *   head   sk = pad(last)                          chunk 0 in `data`, `parts` (the number of chunks), `gen`, `zip`
 *   chunk  sk = pad(last - 1) + "~" + gen + k      chunk k >= 1 in `data`
 * The chunks sort after every earlier head and before their own head, so "every event after id N" is still one
 * Query (sk > pad(N)) that meets a head's chunks just before the head, and the last item is always a head or the
 * chunk of an unfinished write (whose id, pad(last - 1), is then the last stored). Chunks are written before their
 * head: a reader never finds a head whose chunks are missing, and skips chunks with no head (a write in progress,
 * or one that died) — the next writer of the run overwrites them, under a new `gen`.
 *
 * Event ids count from 0 (the `metadata` event) per run and are strictly increasing; they are the SSE `id:`.
 */
import { randomBytes } from "node:crypto";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { PutCommand, QueryCommand, paginateQuery, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { batchWrite, partitionKeys } from "../dynamo/batch.js";
import { CHUNK_BYTES } from "../dynamo/limits.js";
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

/** A batch's stored attributes: JSON in `events`, or deflated in `z` when that is smaller. */
function encodeBatch(batch: Batch): { events: string } | { z: Uint8Array } {
  const json = JSON.stringify(batch);
  if (json.length < 1024) return { events: json };
  const deflated = deflateRawSync(json);
  return deflated.byteLength < json.length * 0.9 ? { z: deflated } : { events: json };
}

/** A batch of one item, or of a head whose chunks k >= 1 are `chunks` (in order). */
function decodeBatch(item: Record<string, unknown>, chunks: Uint8Array[] = []): Batch {
  if (typeof item.parts === "number") {
    const bytes = Buffer.concat([item.data as Uint8Array, ...chunks]);
    return JSON.parse((item.zip ? inflateRawSync(bytes) : bytes).toString("utf8")) as Batch;
  }
  const json = item.z ? inflateRawSync(item.z as Uint8Array).toString("utf8") : (item.events as string);
  return JSON.parse(json) as Batch;
}

/** Events gathered into one item up to about this many bytes of JSON. */
const MAX_BATCH_BYTES = 300_000;
const chunkSk = (last: number, gen: string, k: number) => `${pad(last - 1)}~${gen}${String(k).padStart(4, "0")}`;
const isChunk = (sk: string) => sk.length > 12;

/** The run's stream events could not be stored: the run ends with this error. */
export class EventLogWriteError extends Error {
  constructor(runId: string, cause: unknown) {
    super(
      `Could not store the stream events of run ${runId}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = "EventLogWriteError";
  }
}

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
    // A head's chunks come just before it (possibly on an earlier page); chunks of any other write are skipped.
    let chunks: Record<string, unknown>[] = [];
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        if (isChunk(item.sk as string)) {
          chunks.push(item);
          continue;
        }
        const own =
          typeof item.parts === "number"
            ? chunks.filter((c) =>
                (c.sk as string).startsWith(chunkSk(Number(item.sk), item.gen as string, 0).slice(0, -4)),
              )
            : [];
        chunks = [];
        if (typeof item.parts === "number" && own.length !== item.parts - 1) {
          throw new Error(
            `Event log of run ${runId}: item ${item.sk as string} has ${own.length} of its ${(item.parts as number) - 1} chunks`,
          );
        }
        const batch = decodeBatch(
          item,
          own.map((c) => c.data as Uint8Array),
        );
        for (const [id, event, data] of batch) {
          if (id > afterId) events.push({ id, event, data });
        }
      }
    }
    return events;
  }

  /** Deletes every stored event of the run (with its run or thread). */
  async delete(runId: string): Promise<void> {
    const keys = await partitionKeys(this.client, this.table, runId);
    await batchWrite(
      this.client,
      this.table,
      keys.map((Key) => ({ DeleteRequest: { Key } })),
    );
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
    // A chunk with no head yet (a write that died): its head's events were never stored; the id before them was.
    return sk === undefined ? -1 : Number(sk.slice(0, 12));
  }

  /**
   * Follows a run's events after `afterId` until its `end` event: from memory when this process runs the graph,
   * else by reading the log, waking on local activity or every `pollMs`. `isFinished` is asked when the log
   * goes quiet, so a run that died without an `end` event does not hold readers forever. `waitFirst`: the log holds
   * nothing of the run yet (it was created a moment ago), so the first read waits for local activity or `pollMs`.
   */
  async *follow(
    runId: string,
    afterId: number,
    options: { signal?: AbortSignal; pollMs?: number; isFinished?: () => Promise<boolean>; waitFirst?: boolean } = {},
  ): AsyncGenerator<StreamEvent> {
    let last = afterId;
    let quietPolls = 0;
    const pollMs = options.pollMs ?? 100;
    if (options.waitFirst && !this.hub.since(runId, last)) await this.hub.wait(runId, pollMs, options.signal);
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
  private failure?: EventLogWriteError;
  /** Whether the failure was thrown to the run (which then ended with it). */
  private reported = false;
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

  /** The id the next event appended gets. */
  get nextId(): number {
    return this.next;
  }

  /**
   * Appends an event and returns its id. Local readers see it at once; the log gets it with the next flush.
   * Never throws: a failed write is reported by `throwIfFailed()` and by the flushes that follow.
   */
  append(event: string, data: unknown): number {
    const entry = { id: this.next++, event, data };
    this.buffer.push(entry);
    this.hub.publish(this.runId, entry);
    // The timer's flush must not reject unhandled (that ends the process): its failure is kept for the run to see.
    this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), this.options.flushMs ?? 50);
    return entry.id;
  }

  /** Throws (an EventLogWriteError) if a write of this run's events failed: the run should end with it. */
  throwIfFailed(): void {
    if (this.failure) {
      this.reported = true;
      throw this.failure;
    }
  }

  /** Writes everything appended so far; resolves when it is stored, rejects with the first failed write. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const events = this.buffer;
    this.buffer = [];
    if (events.length > 0) {
      this.writing = this.writing
        .then(() => this.store(events))
        .catch((err) => {
          this.failure ??= new EventLogWriteError(this.runId, err);
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

  /**
   * Flushes and marks the run's stream as ended for local readers. Rejects with a failed write, unless the run
   * already ended with it (after `throwIfFailed()`).
   */
  async close(): Promise<void> {
    try {
      await this.flush();
    } catch (err) {
      if (!this.reported) throw err;
    } finally {
      this.hub.end(this.runId);
    }
  }

  private async store(events: StreamEvent[]): Promise<void> {
    let batch: Batch = [];
    let bytes = 0;
    const put = async () => {
      await this.put(batch);
      batch = [];
      bytes = 0;
    };
    for (const e of events) {
      const size = Buffer.byteLength(JSON.stringify(e.data) ?? "null") + e.event.length + 24;
      if (batch.length > 0 && bytes + size > MAX_BATCH_BYTES) await put();
      batch.push([e.id, e.event, e.data]);
      bytes += size;
    }
    if (batch.length > 0) await put();
  }

  /** One batch: one item, or (too large for one) its chunks and then its head. */
  private async put(batch: Batch): Promise<void> {
    const expires = this.options.ttlSeconds
      ? { expires_at: Math.floor(Date.now() / 1000) + this.options.ttlSeconds }
      : {};
    const last = batch[batch.length - 1][0];
    const encoded = encodeBatch(batch);
    const bytes = "z" in encoded ? Buffer.from(encoded.z) : Buffer.from(encoded.events, "utf8");
    const send = async (item: Record<string, unknown>) => {
      await this.client.send(new PutCommand({ TableName: this.table, Item: { pk: this.runId, ...item, ...expires } }));
      this.writes++;
    };
    if (bytes.byteLength <= CHUNK_BYTES) return send({ sk: pad(last), ...encoded });
    const gen = randomBytes(4).toString("hex");
    const parts = Math.ceil(bytes.byteLength / CHUNK_BYTES);
    const chunk = (k: number) => bytes.subarray(k * CHUNK_BYTES, (k + 1) * CHUNK_BYTES);
    for (let k = 1; k < parts; k++) await send({ sk: chunkSk(last, gen, k), data: chunk(k) });
    await send({ sk: pad(last), data: chunk(0), parts, gen, zip: "z" in encoded });
  }
}
