/** The value filter of store searches, as InMemoryStore applies it: equality (deep) and $eq $ne $gt $gte $lt $lte $in $nin. */
import { isDeepStrictEqual } from "node:util";

const OPERATORS = new Set(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin"]);

/**
 * Every filter field matches the value's top-level field of that name: either equal to it (deeply, so arrays and
 * objects compare by content) or passing every operator of an operator object like `{ $gte: 3, $lt: 5 }`.
 */
export function matchesFilter(value: Record<string, unknown>, filter: Record<string, unknown>): boolean {
  return Object.entries(filter).every(([field, expected]) => {
    const actual = value[field];
    if (!isOperatorObject(expected)) return isDeepStrictEqual(actual, expected);
    return Object.entries(expected).every(([op, operand]) => {
      switch (op) {
        case "$eq":
          return isDeepStrictEqual(actual, operand);
        case "$ne":
          return !isDeepStrictEqual(actual, operand);
        case "$gt":
          return compare(actual, operand) > 0;
        case "$gte":
          return compare(actual, operand) >= 0;
        case "$lt":
          return compare(actual, operand) < 0;
        case "$lte":
          return compare(actual, operand) <= 0;
        case "$in":
          return Array.isArray(operand) && operand.some((candidate) => isDeepStrictEqual(actual, candidate));
        default: // $nin
          return !Array.isArray(operand) || !operand.some((candidate) => isDeepStrictEqual(actual, candidate));
      }
    });
  });
}

function isOperatorObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
  const keys = Object.keys(x);
  return keys.length > 0 && keys.every((key) => OPERATORS.has(key));
}

/** Strings compare as strings, anything else as numbers (as InMemoryStore); NaN when incomparable (every test fails). */
function compare(a: unknown, b: unknown): number {
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (a === null || a === undefined || b === null || b === undefined) return NaN;
  return Number(a) - Number(b);
}
