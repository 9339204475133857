/**
 * Whether a resource's metadata matches the filters an auth handler returned, as the official server decides it:
 * `{k: v}` and `{k: {$eq: v}}` need metadata[k] === v; `{k: {$contains: v}}` needs metadata[k] to be an array
 * holding v (every one of v's items, when v is an array: Postgres list containment at the top level).
 */
import type { AuthFilters } from "./custom-auth.js";

export function matchesAuthFilters(metadata: Record<string, unknown> | undefined, filters?: AuthFilters): boolean {
  if (!filters) return true;
  for (const [key, expected] of Object.entries(filters)) {
    const actual = metadata?.[key];
    if (typeof expected === "object" && expected !== null) {
      const op = expected as { $eq?: unknown; $contains?: unknown };
      if (op.$eq) {
        if (actual !== op.$eq) return false;
      } else if (op.$contains) {
        if (!Array.isArray(actual)) return false;
        const wanted = Array.isArray(op.$contains) ? op.$contains : [op.$contains];
        if (!wanted.every((v) => actual.includes(v))) return false;
      }
    } else if (actual !== expected) {
      return false;
    }
  }
  return true;
}

/**
 * The filters' equality conditions (`{k: v}`, `{k: {$eq: v}}` with a string, number or boolean), which a store can
 * hand to DynamoDB as `metadata.k = v`; the rest is matched in memory with matchesAuthFilters.
 */
export function equalityConditions(filters: AuthFilters | undefined): [string, string | number | boolean][] {
  const found: [string, string | number | boolean][] = [];
  for (const [key, expected] of Object.entries(filters ?? {})) {
    // A falsy $eq is no condition at all on the official server (it tests `if (value.$eq)`).
    const value =
      typeof expected === "object" && expected !== null ? (expected as { $eq?: unknown }).$eq || undefined : expected;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") found.push([key, value]);
  }
  return found;
}
