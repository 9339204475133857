/**
 * DynamoDB's limits on what the stores can hold, which bound what clients can send: a partition key of 1 to 2048
 * bytes, a sort key of 1 to 1024, an item of at most 400 KB. An id no key could hold is the id of nothing (reads
 * find no item, without asking DynamoDB, which would refuse the request); an item over 400 KB is refused before it
 * is written, with an ItemTooLargeError (the API answers 422).
 */
import { HttpError } from "../http/errors.js";

export const MAX_PK_BYTES = 2048;
export const MAX_SK_BYTES = 1024;
export const MAX_ITEM_BYTES = 400 * 1024;
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

/** What a client sent that DynamoDB could not store in one item: a 422, wherever it surfaces. */
export class ItemTooLargeError extends HttpError {
  constructor(message: string) {
    super(422, message);
    this.name = "ItemTooLargeError";
  }
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

/** Throws ItemTooLargeError when `item` is over 400 KB. */
export function assertItemFits(what: string, item: Record<string, unknown>): void {
  const bytes = itemBytes(item);
  if (bytes > MAX_ITEM_BYTES)
    throw new ItemTooLargeError(`The ${what} is ${bytes} bytes; DynamoDB items hold at most ${MAX_ITEM_BYTES} bytes`);
}

/** DynamoDB's refusal of an update that would grow an item past 400 KB (the size is known only once merged). */
export function isItemSizeRefusal(err: unknown): boolean {
  return err instanceof Error && err.name === "ValidationException" && /item size/i.test(err.message);
}
