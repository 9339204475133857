/**
 * JSON containment, as Postgres' jsonb `@>` and the official servers' metadata filters: every key of `filter` is in
 * `value` with a contained value (objects recursively; arrays contain each element of the filter's array; anything
 * else by equality).
 */
export function containsJson(value: unknown, filter: unknown): boolean {
  if (filter === null || typeof filter !== "object") return value === filter;
  if (Array.isArray(filter)) {
    return Array.isArray(value) && filter.every((wanted) => value.some((item) => containsJson(item, wanted)));
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  return Object.entries(filter).every(
    ([key, wanted]) => key in value && containsJson((value as Record<string, unknown>)[key], wanted),
  );
}
