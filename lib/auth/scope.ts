/**
 * A thread's auth scope: the equality conditions of the filters the handler that created it returned (typically
 * `{owner: user.identity}`), as one string. Thread items carry it (`auth_scope`), and the sparse index `by_scope`
 * lists one scope's threads, so the search of one owner reads that owner's threads only, not every thread
 * (lib/stores/thread-store.ts). A search whose handler returns the same conditions reads that index.
 */
import type { AuthFilters } from "./custom-auth.js";
import { equalityConditions, matchesAuthFilters } from "./filters.js";

/** The scope of a thread created with `metadata` under `filters`; undefined when they hold no equality condition. */
export function authScopeOf(filters: AuthFilters | undefined, metadata: Record<string, unknown>): string | undefined {
  if (!filters || !matchesAuthFilters(metadata, filters)) return undefined;
  return scopeKey(filters);
}

/** The scope a search under `filters` can read from the index; undefined when it has no equality condition. */
export function scopeKey(filters: AuthFilters | undefined): string | undefined {
  const conditions = equalityConditions(filters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return conditions.length ? JSON.stringify(conditions) : undefined;
}
