/** Store endpoints: the long-term key-value store graphs share (see lib/stores/kv-store.ts). */
import { InvalidNamespaceError, type Item, type SearchItem } from "@langchain/langgraph-checkpoint";
import { HttpError } from "../http/errors.js";
import { json } from "../http/json.js";
import type { Input } from "../http/route.js";
import type { Platform } from "../platform.js";
import type {
  StoreDeleteBody,
  StoreGetQuery,
  StoreNamespacesBody,
  StorePutBody,
  StoreSearchBody,
} from "../schemas/store.js";
import { StoreLimitError } from "../stores/kv-store.js";
import { authorize } from "../auth/guard.js";
import { matchesAuthFilters } from "../auth/filters.js";
import type { AuthFilters } from "../auth/custom-auth.js";

/**
 * Under custom auth each operation runs the `store:<action>` handler, which may rewrite the namespace and key (a
 * per-user namespace) and return filters, matched against `{...value, namespace, key}` of the items concerned: an
 * item they do not match reads as missing, and one that could not be read back is refused (403).
 */
const itemMatches = (namespace: string[], key: string | undefined, value: unknown, filters?: AuthFilters) =>
  matchesAuthFilters({ ...(value as object), namespace, ...(key === undefined ? {} : { key }) }, filters);

export async function putItem({ body }: Input<StorePutBody>, p: Platform): Promise<Response> {
  const target = { namespace: body.namespace, key: body.key, value: body.value };
  const filters = await authorize("store:put", target);
  if (filters) {
    const existing = await asBadInput(p.store.get(target.namespace, target.key));
    if (existing && !itemMatches(existing.namespace, existing.key, existing.value, filters))
      throw new HttpError(404, "Item not found");
    if (!itemMatches(target.namespace, target.key, target.value, filters)) throw new HttpError(403, "Not authorized");
  }
  await asBadInput(p.store.put(target.namespace, target.key, target.value, body.index ?? undefined, { ttl: body.ttl }));
  return new Response(null, { status: 204 });
}

/** The item, or `null` (200) when there is none: what the official servers answer and the SDK's getItem expects. */
export async function getItem({ query }: Input<undefined, StoreGetQuery>, p: Platform): Promise<Response> {
  const target = { namespace: query.namespace, key: query.key };
  const filters = await authorize("store:get", target);
  const item: Item | null = await asBadInput(
    p.store.get(target.namespace, target.key, { refreshTtl: query.refresh_ttl }),
  );
  if (item && !itemMatches(item.namespace, item.key, item.value, filters)) throw new HttpError(404, "Item not found");
  return json(item && wireItem(item));
}

export async function deleteItem({ body }: Input<StoreDeleteBody>, p: Platform): Promise<Response> {
  const target = { namespace: body.namespace, key: body.key };
  const filters = await authorize("store:delete", target);
  if (filters) {
    const existing = await asBadInput(p.store.get(target.namespace, target.key));
    if (existing && !itemMatches(existing.namespace, existing.key, existing.value, filters))
      throw new HttpError(404, "Item not found");
    if (!existing && !itemMatches(target.namespace, target.key, undefined, filters))
      throw new HttpError(403, "Not authorized");
  }
  await asBadInput(p.store.delete(target.namespace, target.key));
  return new Response(null, { status: 204 });
}

/** Filtered by custom auth, items are read in pages until enough match, at most SCAN_LIMIT (then a 400). */
const SCAN_PAGE = 1000;
const SCAN_LIMIT = 10_000;
const SCAN_LIMIT_MESSAGE = "Authenticated store query exceeded maximum scan limit. Narrow the namespace or filters.";

async function filteredPage<T>(
  read: (limit: number, offset: number) => Promise<T[]>,
  matches: (item: T) => boolean,
  limit: number,
  offset: number,
): Promise<T[]> {
  const found: T[] = [];
  let scanned = 0;
  while (found.length < offset + limit && scanned < SCAN_LIMIT) {
    const want = Math.min(SCAN_PAGE, SCAN_LIMIT - scanned);
    const page = await read(want, scanned);
    scanned += page.length;
    found.push(...page.filter(matches));
    if (page.length < want) break;
  }
  if (found.length < offset + limit && scanned >= SCAN_LIMIT) throw new HttpError(400, SCAN_LIMIT_MESSAGE);
  return found.slice(offset, offset + limit);
}

export async function searchItems({ body }: Input<StoreSearchBody>, p: Platform): Promise<Response> {
  const target = {
    namespace: body.namespace_prefix,
    filter: body.filter ?? undefined,
    limit: body.limit ?? 10,
    offset: body.offset ?? 0,
    query: body.query ?? undefined,
  };
  const filters = await authorize("store:search", target);
  const read = (limit: number, offset: number): Promise<SearchItem[]> =>
    asBadInput(
      p.store.search(target.namespace, {
        filter: target.filter,
        limit,
        offset,
        query: target.query,
        refreshTtl: body.refresh_ttl,
      }),
    );
  const items = filters
    ? await filteredPage(read, (i) => itemMatches(i.namespace, i.key, i.value, filters), target.limit, target.offset)
    : await read(target.limit, target.offset);
  return json({ items: items.map(wireSearchItem) });
}

export async function listNamespaces({ body }: Input<StoreNamespacesBody>, p: Platform): Promise<Response> {
  const target = {
    namespace: body.prefix?.length ? body.prefix : undefined,
    suffix: body.suffix?.length ? body.suffix : undefined,
    max_depth: body.max_depth ?? undefined,
    limit: body.limit ?? 100,
    offset: body.offset ?? 0,
  };
  const filters = await authorize("store:list_namespaces", target);
  const read = (limit: number, offset: number): Promise<string[][]> =>
    asBadInput(
      p.store.listNamespaces({
        prefix: target.namespace,
        suffix: target.suffix,
        maxDepth: target.max_depth,
        limit,
        offset,
      }),
    );
  const namespaces = filters
    ? await filteredPage(read, (ns) => itemMatches(ns, undefined, undefined, filters), target.limit, target.offset)
    : await read(target.limit, target.offset);
  return json({ namespaces });
}

function wireItem(item: Item) {
  return {
    namespace: item.namespace,
    key: item.key,
    value: item.value,
    created_at: item.createdAt.toISOString(),
    updated_at: item.updatedAt.toISOString(),
  };
}

function wireSearchItem(item: SearchItem) {
  return { ...wireItem(item), score: item.score ?? null };
}

/** What the store refuses for its own limits (a reserved "langgraph" root label, an item over 400 KB) is a 422. */
async function asBadInput<T>(result: Promise<T>): Promise<T> {
  try {
    return await result;
  } catch (err) {
    if (err instanceof InvalidNamespaceError || err instanceof StoreLimitError) throw new HttpError(422, err.message);
    throw err;
  }
}
