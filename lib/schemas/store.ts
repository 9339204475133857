import { z } from "zod";
import { LenientFlag } from "./query.js";

/**
 * The /store endpoints' requests, as the SDK's StoreClient sends them. Namespace labels are non-empty and hold no
 * "." (the official servers reject those; GET joins labels with ".") nor ":" or NUL (LangGraph's JS stores reject
 * those).
 */
const Label = z.string().regex(/^[^.:\0]+$/, "Namespace labels must be non-empty, without '.', ':' or NUL");
const Namespace = z.array(Label).min(1, "Namespace cannot be empty");
/** A prefix or suffix of namespaces; "*" stands for any one label. */
const NamespacePath = z.array(Label);
const Limit = z.number().int().min(1).max(1000);
const Offset = z.number().int().min(0);

/** PUT /store/items; `index` is accepted and ignored (no embeddings); `ttl` is in minutes. */
export const StorePutBody = z.object({
  namespace: Namespace,
  key: z.string(),
  value: z.record(z.string(), z.unknown()),
  index: z.union([z.literal(false), z.array(z.string())]).nullish(),
  ttl: z.number().positive().nullish(),
});
export type StorePutBody = z.infer<typeof StorePutBody>;

/** GET /store/items?namespace=a.b&key=k&refresh_ttl=true */
export const StoreGetQuery = z.object({
  namespace: z
    .string()
    .transform((joined) => joined.split("."))
    .pipe(Namespace),
  key: z.string(),
  refresh_ttl: LenientFlag.optional(),
});

/** DELETE /store/items */
export const StoreDeleteBody = z.object({ namespace: Namespace, key: z.string() });

/** POST /store/items/search; `query` is accepted and ignored (no embeddings). */
export const StoreSearchBody = z.object({
  namespace_prefix: NamespacePath,
  filter: z.record(z.string(), z.unknown()).nullish(),
  limit: Limit.nullish(),
  offset: Offset.nullish(),
  query: z.string().nullish(),
  refresh_ttl: z.boolean().nullish(),
});

/** POST /store/namespaces */
export const StoreNamespacesBody = z.object({
  prefix: NamespacePath.nullish(),
  suffix: NamespacePath.nullish(),
  max_depth: z.number().int().min(1).nullish(),
  limit: Limit.nullish(),
  offset: Offset.nullish(),
});

export type StoreGetQuery = z.infer<typeof StoreGetQuery>;
export type StoreDeleteBody = z.infer<typeof StoreDeleteBody>;
export type StoreSearchBody = z.infer<typeof StoreSearchBody>;
export type StoreNamespacesBody = z.infer<typeof StoreNamespacesBody>;
