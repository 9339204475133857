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

export async function putItem({ body }: Input<StorePutBody>, p: Platform): Promise<Response> {
  await asBadInput(p.store.put(body.namespace, body.key, body.value, body.index ?? undefined, { ttl: body.ttl }));
  return new Response(null, { status: 204 });
}

/** The item, or `null` (200) when there is none: what the official servers answer and the SDK's getItem expects. */
export async function getItem({ query }: Input<undefined, StoreGetQuery>, p: Platform): Promise<Response> {
  const item: Item | null = await asBadInput(
    p.store.get(query.namespace, query.key, { refreshTtl: query.refresh_ttl }),
  );
  return json(item && wireItem(item));
}

export async function deleteItem({ body }: Input<StoreDeleteBody>, p: Platform): Promise<Response> {
  await asBadInput(p.store.delete(body.namespace, body.key));
  return new Response(null, { status: 204 });
}

export async function searchItems({ body }: Input<StoreSearchBody>, p: Platform): Promise<Response> {
  const items: SearchItem[] = await asBadInput(
    p.store.search(body.namespace_prefix, {
      filter: body.filter ?? undefined,
      limit: body.limit ?? 10,
      offset: body.offset ?? 0,
      query: body.query ?? undefined,
      refreshTtl: body.refresh_ttl,
    }),
  );
  return json({ items: items.map(wireSearchItem) });
}

export async function listNamespaces({ body }: Input<StoreNamespacesBody>, p: Platform): Promise<Response> {
  const namespaces = await asBadInput(
    p.store.listNamespaces({
      prefix: body.prefix?.length ? body.prefix : undefined,
      suffix: body.suffix?.length ? body.suffix : undefined,
      maxDepth: body.max_depth ?? undefined,
      limit: body.limit ?? 100,
      offset: body.offset ?? 0,
    }),
  );
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
