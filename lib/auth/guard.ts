/**
 * What the route handlers ask of custom auth, for the request being served (request-auth.ts): run the handler of an
 * event on a value it may mutate, and check a thread (or assistant, store item) against the filters it returned.
 * Without custom auth each of these allows everything, reads nothing and changes nothing.
 */
import { HttpError } from "../http/errors.js";
import type { Platform } from "../platform.js";
import type { Thread } from "../stores/thread-store.js";
import type { AuthFilters } from "./custom-auth.js";
import { matchesAuthFilters } from "./filters.js";
import { requestAuth } from "./request-auth.js";

/** The filters the handler for `event` returns on `value` (which it may have changed); undefined = no filter. */
export async function authorize(event: string, value: object): Promise<AuthFilters | undefined> {
  const current = requestAuth();
  return current?.auth.authorize(current.context, event, value);
}

/**
 * Authorizes `event` on a thread, which must then match the filters: one that does not reads as missing (`notFound`,
 * the thread's 404 by default). Reads the thread only when there are filters; returns it when it did.
 */
export async function authorizeThread(
  p: Platform,
  event: string,
  value: { thread_id: string } & Record<string, unknown>,
  notFound = () => new HttpError(404, `Thread with ID ${value.thread_id} not found`),
): Promise<Thread | undefined> {
  const filters = await authorize(event, value);
  if (!filters) return undefined;
  const thread = await p.threads.get(value.thread_id);
  if (!thread || !matchesAuthFilters(thread.metadata, filters)) throw notFound();
  return thread;
}

/** Whether custom auth handles this request (so a handler knows to filter what it lists). */
export function authActive(): boolean {
  return requestAuth()?.context !== undefined;
}

/**
 * The run config with the request's user in `configurable` (`langgraph_auth_user`, `langgraph_auth_user_id`,
 * `langgraph_auth_permissions`), as the official server gives it to graphs. Stored with the run, so the worker (on
 * AWS another function) hands it to the graph. Over anything the body sent under those names.
 */
export function withAuthUser(config: Record<string, unknown> | null | undefined): Record<string, unknown> | undefined {
  const context = requestAuth()?.context;
  if (!context) return config ?? undefined;
  const configurable = (config?.configurable as Record<string, unknown> | undefined) ?? {};
  return {
    ...config,
    configurable: {
      ...configurable,
      langgraph_auth_user: context.user,
      langgraph_auth_user_id: context.user.identity,
      langgraph_auth_permissions: context.scopes,
    },
  };
}
