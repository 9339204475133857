import { z } from "zod";

/**
 * Containers (maps and lists) DynamoDB nests in one attribute, the attribute's own map included: measured on Amazon's
 * DynamoDB Local, a metadata map holding 30 more nested maps (31 in all) is stored, one more is refused with
 * "Nesting Levels have exceeded supported limits" — "32 levels" in DynamoDB's words, which count the item too.
 */
const MAX_DEPTH = 31;
/**
 * Longest map key, in UTF-8 bytes. DynamoDB documents names of up to 64 KB, but DynamoDB Local refuses a map key of
 * 50,001 characters (or of 65,534 bytes) with an internal error (a 500 to our client), so keys stay well under it.
 */
export const MAX_KEY_BYTES = 32 * 1024;
/** Smallest magnitude of a non-zero DynamoDB number. */
const MIN_MAGNITUDE = 1e-130;

/**
 * Metadata kept as a DynamoDB map (threads and runs: searches filter on it key by key): any JSON object that a map
 * can hold — no empty key at any depth (DynamoDB: "Empty attribute name"; the top-level ones are also document
 * paths), no key over MAX_KEY_BYTES, at most MAX_DEPTH maps and lists deep counting the metadata itself, and
 * numbers the document client writes exactly (within ±2^53) and DynamoDB stores (0, or at least 1e-130 in
 * magnitude). Anything else is a 422 naming the offending key. dynalite accepts most of these; AWS does not.
 */
export const MapMetadata = z.record(z.string(), z.unknown()).superRefine((metadata, ctx) => {
  const problem = (path: (string | number)[], message: string) => ctx.addIssue({ code: "custom", path, message });
  const visit = (value: unknown, path: (string | number)[], depth: number): boolean => {
    if (typeof value === "number") {
      const magnitude = Math.abs(value);
      if (magnitude > Number.MAX_SAFE_INTEGER || (magnitude !== 0 && magnitude < MIN_MAGNITUDE)) {
        problem(
          path,
          `metadata numbers must be 0 or between ${MIN_MAGNITUDE} and ${Number.MAX_SAFE_INTEGER} in magnitude, got ${value}`,
        );
      }
      return true;
    }
    if (typeof value !== "object" || value === null) return true;
    if (depth > MAX_DEPTH) {
      problem(path, `metadata nests at most ${MAX_DEPTH} maps and lists deep, counting the metadata itself`);
      return false;
    }
    if (Array.isArray(value)) return value.every((v, i) => visit(v, [...path, i], depth + 1));
    return Object.entries(value).every(([k, v]) => {
      if (k === "") {
        problem([...path, k], "metadata keys must not be empty, at any depth");
        return false;
      }
      if (Buffer.byteLength(k) > MAX_KEY_BYTES) {
        problem(
          [...path, `${k.slice(0, 40)}…`],
          `metadata keys hold at most ${MAX_KEY_BYTES} bytes, got ${Buffer.byteLength(k)}`,
        );
        return false;
      }
      return visit(v, [...path, k], depth + 1);
    });
  };
  visit(metadata, [], 1);
});
