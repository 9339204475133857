import { createHash, randomBytes } from "node:crypto";

/**
 * Ids as the LangGraph Platform makes them: time-ordered UUIDv7 for runs and threads (so a descending sort key
 * lists newest first), and UUIDv5 for the default assistant of a graph (the same id as the official server's).
 */

let lastMs = 0;
let sequence = 0;

/**
 * Time-ordered and monotonic within this process: ids made in the same millisecond count up in the 12-bit
 * `rand_a` field (RFC 9562, method 1), so a thread's runs sort in the order they were created.
 */
export function uuid7(now: number = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    sequence = randomBytes(2).readUInt16BE(0) & 0x3ff; // start low, leave room to count up
  } else if (++sequence > 0xfff) {
    lastMs += 1;
    sequence = 0;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(lastMs, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return format(bytes);
}

export function uuid5(name: string, namespace: string): string {
  const hash = createHash("sha1")
    .update(Buffer.from(namespace.replace(/-/g, ""), "hex"))
    .update(name)
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return format(bytes);
}

/** The namespace the official servers use for default assistant ids: graph "accept" -> 881a0ac8-731e-5d99-…. */
export const ASSISTANT_NAMESPACE = "6ba7b821-9dad-11d1-80b4-00c04fd430c8";

export const defaultAssistantId = (graphId: string) => uuid5(graphId, ASSISTANT_NAMESPACE);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string) => UUID.test(value);

function format(bytes: Buffer): string {
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
