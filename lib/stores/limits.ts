/**
 * What the stores refuse for DynamoDB's limits (lib/dynamo/limits.ts): an id no key could hold is the id of nothing
 * (reads find no item, without asking DynamoDB, which would refuse the request); an item over 400 KB is refused
 * before it is written, with an ItemTooLargeError (the API answers 422).
 */
import { HttpError } from "../http/errors.js";
import { itemBytes, MAX_ITEM_BYTES } from "../dynamo/limits.js";

/** What a client sent that DynamoDB could not store in one item: a 422, wherever it surfaces. */
export class ItemTooLargeError extends HttpError {
  constructor(message: string) {
    super(422, message);
    this.name = "ItemTooLargeError";
  }
}

/** Throws ItemTooLargeError when `item` is over 400 KB. */
export function assertItemFits(what: string, item: Record<string, unknown>): void {
  const bytes = itemBytes(item);
  if (bytes > MAX_ITEM_BYTES)
    throw new ItemTooLargeError(`The ${what} is ${bytes} bytes; DynamoDB items hold at most ${MAX_ITEM_BYTES} bytes`);
}
