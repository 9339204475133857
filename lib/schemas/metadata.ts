import { z } from "zod";

/** DynamoDB nests maps and lists at most this deep (the metadata map itself is the first level). */
const MAX_DEPTH = 32;
/** Smallest magnitude of a non-zero DynamoDB number. */
const MIN_MAGNITUDE = 1e-130;

/**
 * Metadata kept as a DynamoDB map (threads and runs: searches filter on it key by key): any JSON object that a map
 * can hold — no empty key at the top level (each key is a document path), nesting at most 32 levels deep, and
 * numbers the document client writes exactly (within ±2^53) and DynamoDB stores (0, or at least 1e-130 in
 * magnitude). Anything else is a 422 naming the offending key.
 */
export const MapMetadata = z.record(z.string(), z.unknown()).superRefine((metadata, ctx) => {
  const problem = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
  for (const key of Object.keys(metadata)) if (key === "") problem([key], "metadata keys must not be empty");
  const visit = (value: unknown, path: (string | number)[], depth: number): boolean => {
    if (typeof value === "number") {
      const magnitude = Math.abs(value);
      if (magnitude > Number.MAX_SAFE_INTEGER || (magnitude !== 0 && magnitude < MIN_MAGNITUDE)) {
        problem(path, `metadata numbers must be 0 or between ${MIN_MAGNITUDE} and ${Number.MAX_SAFE_INTEGER} in magnitude, got ${value}`);
      }
      return true;
    }
    if (typeof value !== "object" || value === null) return true;
    if (depth > MAX_DEPTH) {
      problem(path, `metadata nests at most ${MAX_DEPTH} levels deep`);
      return false;
    }
    const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    return entries.every(([k, v]) => visit(v, [...path, k], depth + 1));
  };
  visit(metadata, [], 1);
});
