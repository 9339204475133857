/**
 * A thread as the `threads` table holds it (key schema: ./thread-store.ts): its shape, the stored item (config,
 * values and interrupts as JSON strings) and back, and the expiry condition every read and write checks.
 */
import { TTL_ATTRIBUTE, threadListShard } from "../tables/definitions.js";

export type ThreadStatus = "idle" | "busy" | "interrupted" | "error";

export interface Thread {
  thread_id: string;
  created_at: string;
  updated_at: string;
  metadata: Record<string, unknown>;
  status: ThreadStatus;
  config: Record<string, unknown>;
  values: Record<string, unknown> | null;
  interrupts: Record<string, unknown[]>;
  /** The run holding the thread, if any (internal; not part of the API object). */
  active_run?: string;
  /** Custom auth: the scope it was created in (lib/auth/scope.ts), its key in the sparse index `by_scope`. */
  auth_scope?: string;
}

/** A new, idle thread. */
export function newThread(threadId: string, metadata: Record<string, unknown>): Thread {
  const created = new Date().toISOString();
  return {
    thread_id: threadId,
    created_at: created,
    updated_at: created,
    metadata,
    status: "idle",
    config: {},
    values: null,
    interrupts: {},
  };
}

/** The sort key of every thread item. */
export const THREAD_SK = "thread";
/** An item that has not expired (ExpressionAttributeNames `#exp`, values `:nowSec`: see live()). */
export const LIVE = "(attribute_not_exists(#exp) OR #exp > :nowSec)";
export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** The names and values of the LIVE condition. */
export function live(): { names: Record<string, string>; values: Record<string, unknown> } {
  return { names: { "#exp": TTL_ATTRIBUTE }, values: { ":nowSec": nowSeconds() } };
}

/** Whether a stored item has passed its expiry (DynamoDB deletes it some time after). */
export const isExpired = (item: Record<string, unknown>) =>
  typeof item[TTL_ATTRIBUTE] === "number" && (item[TTL_ATTRIBUTE] as number) <= nowSeconds();

/** Values above this size are not copied into the thread item (they stay in the checkpoint). */
const MAX_VALUES_BYTES = 100_000;

/** The thread item keeps a copy of the latest values for listings, unless they are too large for an item. */
export function fitValues(values: Record<string, unknown> | null): string | null {
  if (values === null) return null;
  const json = JSON.stringify(values);
  return Buffer.byteLength(json) <= MAX_VALUES_BYTES ? json : null;
}

/** The stored item of a thread, keys included (list_pk: its listing shard). */
export function threadItem(thread: Thread): Record<string, unknown> {
  return {
    pk: thread.thread_id,
    sk: THREAD_SK,
    list_pk: threadListShard(thread.thread_id),
    ...thread,
    config: JSON.stringify(thread.config),
    values: fitValues(thread.values),
    interrupts: JSON.stringify(thread.interrupts),
  };
}

const parse = (json: unknown, fallback: unknown) => (typeof json === "string" ? JSON.parse(json) : fallback);

/** The thread of a stored item. */
export function toThread(item: Record<string, any>): Thread {
  return {
    thread_id: item.thread_id,
    created_at: item.created_at,
    updated_at: item.updated_at,
    metadata: item.metadata ?? {},
    status: item.status ?? "idle",
    config: parse(item.config, {}),
    values: parse(item.values, null),
    interrupts: parse(item.interrupts, {}),
    active_run: item.active_run,
    ...(item.auth_scope ? { auth_scope: item.auth_scope } : {}),
  };
}
