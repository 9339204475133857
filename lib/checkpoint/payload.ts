/**
 * Checkpoint payloads: several named, typed parts (serde output) in one buffer, compressed when that pays, and
 * cut into chunks small enough for DynamoDB's 400 KB item limit. Chunk 0 rides in the item itself (a head, blob or
 * pending-writes item, with `n` chunks, generation `gen` and `z` when compressed); chunks k >= 1 are items of
 * their own under the keys ./keys.ts gives them.
 *
 * Container layout: u32 header length, header JSON `[[name, serdeType, byteLength], ...]`, then the parts'
 * bytes back to back.
 */
import { randomUUID } from "node:crypto";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { CHUNK_BYTES } from "../dynamo/limits.js";
import { chunkPrefix, chunkSk, type Key } from "./keys.js";
import type { CheckpointTable, Item } from "./table.js";

export interface Part {
  name: string;
  type: string;
  bytes: Uint8Array;
}

/** Payloads below this are stored as they are: compression would not save a capacity unit. */
const COMPRESS_MIN_BYTES = 1024;

export function encodeParts(parts: Part[]): Buffer {
  const header = Buffer.from(JSON.stringify(parts.map((p) => [p.name, p.type, p.bytes.byteLength])));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.byteLength);
  return Buffer.concat([length, header, ...parts.map((p) => p.bytes)]);
}

export function decodeParts(buffer: Buffer): Part[] {
  const headerLength = buffer.readUInt32BE(0);
  const header = JSON.parse(buffer.subarray(4, 4 + headerLength).toString("utf8")) as [string, string, number][];
  let offset = 4 + headerLength;
  return header.map(([name, type, byteLength]) => {
    const bytes = buffer.subarray(offset, offset + byteLength);
    offset += byteLength;
    return { name, type, bytes };
  });
}

export interface Packed {
  /** true when `chunks` hold deflate-raw compressed bytes. */
  compressed: boolean;
  chunks: Buffer[];
}

export function pack(buffer: Buffer): Packed {
  let body = buffer;
  let compressed = false;
  if (buffer.byteLength >= COMPRESS_MIN_BYTES) {
    const deflated = deflateRawSync(buffer, { level: 6 });
    if (deflated.byteLength < buffer.byteLength * 0.9) {
      body = deflated;
      compressed = true;
    }
  }
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < body.byteLength || chunks.length === 0; offset += CHUNK_BYTES) {
    chunks.push(body.subarray(offset, offset + CHUNK_BYTES));
  }
  return { compressed, chunks };
}

export function unpack(packed: Packed): Buffer {
  const body = packed.chunks.length === 1 ? packed.chunks[0] : Buffer.concat(packed.chunks);
  return packed.compressed ? inflateRawSync(body) : body;
}

/**
 * The items that store `parts` as the payload of the item `key`, in the order they must be written: chunks >= 1
 * first, then the item itself with chunk 0 and `attributes` (each write names a fresh `gen` for its chunks).
 */
export function payloadItems(key: Key, parts: Part[], attributes: Item, expiresAt: number | undefined): Item[] {
  const packed = pack(encodeParts(parts));
  const gen = randomUUID().slice(0, 8);
  const ttl = expiresAt === undefined ? {} : { expires_at: expiresAt };
  const prefix = chunkPrefix(key.sk);
  const items: Item[] = packed.chunks
    .slice(1)
    .map((data, i) => ({ pk: key.pk, sk: chunkSk(prefix, gen, i + 1), data, ...ttl }));
  const item: Item = { ...key, ...attributes, data: packed.chunks[0], n: packed.chunks.length, gen, ...ttl };
  if (packed.compressed) item.z = 1;
  items.push(item);
  return items;
}

/**
 * Writes `items` (from payloadItems): chunks first (batched), then the item itself. `ifAbsent` keeps an existing
 * item (its chunks, written under a fresh `gen`, are then simply unreferenced).
 */
export async function writeItems(
  table: CheckpointTable,
  items: Item[],
  options: { ifAbsent?: boolean } = {},
): Promise<void> {
  if (items.length > 1) await table.putAll(items.slice(0, -1));
  await table.put(items[items.length - 1], options);
}

/** Writes `parts` as the payload of the item `key` (see payloadItems and writeItems). */
export async function writePayload(
  table: CheckpointTable,
  key: Key,
  parts: Part[],
  attributes: Item,
  expiresAt: number | undefined,
  options: { ifAbsent?: boolean } = {},
): Promise<void> {
  await writeItems(table, payloadItems(key, parts, attributes, expiresAt), options);
}

/** The parts of the payload of `item` (a head, blob or pending-writes item), reading its other chunks. */
export async function readPayload(table: CheckpointTable, item: Item): Promise<Part[]> {
  const chunks: Buffer[] = [Buffer.from(item.data as Uint8Array)];
  const n: number = item.n ?? 1;
  if (n > 1) {
    const rest = await table.queryAll(item.pk, `${chunkPrefix(item.sk)}${item.gen}#`);
    if (rest.length !== n - 1) {
      throw new Error(
        `Checkpoint item ${item.pk} ${item.sk}: expected ${n - 1} chunks of generation ${item.gen}, found ${rest.length}`,
      );
    }
    for (const chunk of rest) chunks.push(Buffer.from(chunk.data as Uint8Array));
  }
  return decodeParts(unpack({ compressed: Boolean(item.z), chunks }));
}
