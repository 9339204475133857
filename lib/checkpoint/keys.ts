/**
 * Key schema of the checkpoints table (see lib/tables/definitions.ts). `pk` is the thread id; every `sk` part is
 * escaped with keyPart() so `#` only ever separates parts. `<ns>` is the checkpoint namespace ("" for the root
 * graph), `<gen>` a random id per write, `<k>` a 4-digit chunk number.
 *
 *   sk                                         item
 *   cp#<ns>#<checkpoint_id>                    checkpoint head: payload chunk 0 (checkpoint, metadata and the small
 *                                              channel values that changed), `parent`, and `loc`
 *                                              {channel: [version, source, expires_at]}: where each value lives —
 *                                              `source` is the id of the head that inlines it, or "" for a blob item
 *   cx#<ns>#<checkpoint_id>#<gen>#<k>          payload chunk k >= 1 of a head too large for one item
 *   bl#<ns>#<channel>#<version>                a large channel value (>= BLOB_MIN_BYTES), written once per version
 *   bx#<ns>#<channel>#<version>#<gen>#<k>      its chunks k >= 1
 *   cp#<ns>#<checkpoint_id>#wr#<task_id>#<idx> pending writes of one putWrites call (idx: first index; a special
 *                                              channel's negative index), `task_path`: right after their head
 *   wx#<ns>#<checkpoint_id>#<task_id>#<idx>#<gen>#<k>   their chunks k >= 1
 *   wr#<ns>#<checkpoint_id>#<task_id>#<idx>    pending writes as stored before heads carried `wk` (still read)
 *
 * Every item may carry `expires_at` (epoch seconds) for DynamoDB TTL.
 *
 * Why this shape:
 * - One item per checkpoint in the common case: a put stores only the channels in `newVersions` (the contract
 *   of every official saver); small ones ride inline, compressed with the head, and the head's `loc` points at
 *   the earlier head (or blob) holding each unchanged value. A large value lives in its own item keyed by
 *   version. So the cost of a put follows what changed, not the size of the state, and a read is one Query or
 *   Get for the head plus one BatchGet for values stored elsewhere.
 * - No transactions (the embedded DynamoDB has none; they also cost double): every multi-item write puts its
 *   chunks and blobs first and the head last, each head naming the `gen` of its chunks. A reader finds only
 *   heads, and a head exists only once everything it points to does, so a crash mid-write leaves unreferenced
 *   chunks, never a half-written checkpoint.
 * - Latest checkpoint = a descending Query, since checkpoint ids (uuid6) sort by time. A checkpoint's pending
 *   writes sort right after its head (its key is a prefix of theirs), so they come just before it in a descending
 *   Query: one Query returns the latest head with its writes (the first item is the head when it has none), and
 *   one Query of the head's key as prefix returns a given checkpoint with them. Heads written since this layout
 *   carry `wk: 1`; for a head without it, its writes may also be under the earlier `wr#` keys, read as well.
 * - All reads are strongly consistent: the next Lambda to resume a thread must see the last checkpoint.
 */

export type Key = { pk: string; sk: string };

/** Sort-key component escaping: `#` separates key parts, so it (and `%`) never appear raw inside one. */
export function keyPart(value: string): string {
  return value.replace(/%/g, "%25").replace(/#/g, "%23");
}

/** The prefix of every head in namespace `ns`, or of every head in the thread when `ns` is undefined. */
export function headPrefix(ns?: string): string {
  return ns === undefined ? "cp#" : `cp#${keyPart(ns)}#`;
}

export function headSk(ns: string, checkpointId: string): string {
  return `cp#${keyPart(ns)}#${keyPart(checkpointId)}`;
}

export function blobSk(ns: string, channel: string, version: string): string {
  return `bl#${keyPart(ns)}#${keyPart(channel)}#${keyPart(version)}`;
}

/** A pending-writes item: under its head's key, so one Query reads the head with its writes. */
export function writeSk(ns: string, checkpointId: string, taskId: string, idx: number): string {
  return `${headSk(ns, checkpointId)}#wr#${keyPart(taskId)}#${idx}`;
}

/** The prefix of every pending-writes item of one checkpoint in the earlier layout (`wr#…`, heads without `wk`). */
export function legacyWritesPrefix(ns: string, checkpointId: string): string {
  return `wr#${keyPart(ns)}#${keyPart(checkpointId)}#`;
}

/** Whether `sk` is a pending-writes item of the head `headKey` (stored under its key). */
export function isWriteOf(sk: string, headKey: string): boolean {
  return sk.startsWith(`${headKey}#wr#`);
}

/** The prefix of the chunks (k >= 1) of the head, blob or writes item `sk`: `cx#…#`, `bx#…#` or `wx#…#`. */
export function chunkPrefix(sk: string): string {
  if (isHeadWrite(sk)) {
    // cp#<ns>#<id>#wr#<task>#<idx> -> wx#<ns>#<id>#<task>#<idx>#, where chunks of writes have always been
    const [, ns, checkpointId, , taskId, idx] = sk.split("#");
    return `wx#${ns}#${checkpointId}#${taskId}#${idx}#`;
  }
  const kind = sk.slice(0, 3);
  const chunkKind = kind === "cp#" ? "cx#" : kind === "bl#" ? "bx#" : kind === "wr#" ? "wx#" : undefined;
  if (!chunkKind) throw new Error(`Checkpoint key ${sk} has no chunks`);
  return `${chunkKind}${sk.slice(3)}#`;
}

/** The key of chunk `k` (>= 1) of generation `gen`, under `prefix` (from chunkPrefix). */
export function chunkSk(prefix: string, gen: string, k: number): string {
  return `${prefix}${gen}#${String(k).padStart(4, "0")}`;
}

export function parseHeadSk(sk: string): { ns: string; checkpointId: string } {
  const [, ns, checkpointId] = sk.split("#");
  return { ns: decodeURIComponent(ns), checkpointId: decodeURIComponent(checkpointId) };
}

/**
 * The namespace and checkpoint id of a history item (a head, its chunks, pending writes and theirs), or undefined
 * for a blob item or its chunks, which belong to a channel version rather than a checkpoint.
 */
export function historyOf(sk: string): { ns: string; checkpointId: string } | undefined {
  const [kind, ns, checkpointId] = sk.split("#");
  if (!["cp", "cx", "wr", "wx"].includes(kind)) return undefined;
  return { ns: decodeURIComponent(ns), checkpointId: decodeURIComponent(checkpointId) };
}

/** A checkpoint head: `cp#<ns>#<id>`, no more parts (its writes' keys have more). */
export const isHead = (sk: string) => sk.startsWith("cp#") && sk.split("#").length === 3;

/** The head key a pending-writes item is stored under (`cp#<ns>#<id>` of `cp#<ns>#<id>#wr#…`). */
export function headOfWrite(sk: string): string {
  return sk.split("#").slice(0, 3).join("#");
}

/** A pending-writes item under its head's key. */
const isHeadWrite = (sk: string) => sk.startsWith("cp#") && sk.split("#")[3] === "wr";
