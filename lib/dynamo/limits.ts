/**
 * DynamoDB's limits, which bound what the stores, the checkpointer and the event log can hold: a partition key of
 * 1 to 2048 bytes, a sort key of 1 to 1024, an item of at most 400 KB (attribute names and values), an expression
 * of at most 4 KB. What is larger is chunked (checkpoints, stream events) or refused before it is written.
 */

export const MAX_PK_BYTES = 2048;
export const MAX_SK_BYTES = 1024;
export const MAX_ITEM_BYTES = 400 * 1024;
/** Largest payload slice stored in one item, leaving room for keys and attributes under 400 KB. */
export const CHUNK_BYTES = 350_000;
/**
 * DynamoDB refuses an expression string (update, filter, condition) over 4 KB. A metadata key costs about 25
 * characters of one (`metadata.#m12 = :m12 AND `), so at most this many keys go into one expression.
 */
export const MAX_EXPRESSION_KEYS = 100;

/** Whether DynamoDB could store an item under this partition key (and sort key, when given). */
export function keyFits(pk: string, sk?: string): boolean {
  const fits = (value: string, max: number) => value.length > 0 && Buffer.byteLength(value) <= max;
  return fits(pk, MAX_PK_BYTES) && (sk === undefined || fits(sk, MAX_SK_BYTES));
}

/**
 * The size of `item` as DynamoDB measures it (attribute names plus values), with maps and lists measured as JSON:
 * a little over DynamoDB's own measure (quotes, punctuation), never under it.
 */
export function itemBytes(item: Record<string, unknown>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes +=
      Buffer.byteLength(name) + Buffer.byteLength(typeof value === "string" ? value : (JSON.stringify(value) ?? ""));
  }
  return bytes;
}

/** DynamoDB's refusal of an update that would grow an item past 400 KB (the size is known only once merged). */
export function isItemSizeRefusal(err: unknown): boolean {
  return err instanceof Error && err.name === "ValidationException" && /item size/i.test(err.message);
}
