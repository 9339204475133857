import { deflateRawSync, inflateRawSync } from "node:zlib";

/**
 * Byte encoding of checkpoint payloads: several named, typed parts in one buffer, compressed when that
 * pays, and cut into chunks small enough for DynamoDB's 400 KB item limit.
 *
 * Container layout: u32 header length, header JSON `[[name, serdeType, byteLength], ...]`, then the parts'
 * bytes back to back.
 */

export interface Part {
  name: string;
  type: string;
  bytes: Uint8Array;
}

/** Largest payload slice stored in one item, leaving room for keys and attributes under 400 KB. */
export const CHUNK_BYTES = 350_000;
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

/** Sort-key component escaping: `#` separates key parts, so it (and `%`) never appear raw inside one. */
export function keyPart(value: string): string {
  return value.replace(/%/g, "%25").replace(/#/g, "%23");
}
