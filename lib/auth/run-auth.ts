/**
 * Custom auth for run creation (REST, stateless, batches and the protocol's commands alike): the
 * `threads:create_run` handler runs first and may stamp the run's metadata, which a thread the run creates gets
 * too (with its scope, lib/auth/scope.ts); a thread its filters do not match is not found; and the run's config
 * gets the user (withAuthUser), stored with the run for the worker.
 */
import { HttpError } from "../http/errors.js";
import type { Platform } from "../platform.js";
import type { RunCreateBody } from "../schemas/runs.js";
import type { RunDefaults } from "../services/runs.js";
import { matchesAuthFilters } from "./filters.js";
import { authorize, withAuthUser } from "./guard.js";
import { authScopeOf } from "./scope.js";

export async function authorizeRun(
  p: Platform,
  threadId: string | undefined,
  body: RunCreateBody,
): Promise<{ body: RunCreateBody; newThread?: RunDefaults["newThread"] }> {
  const value = {
    thread_id: threadId,
    assistant_id: body.assistant_id,
    status: "pending",
    metadata: body.metadata ?? {},
    multitask_strategy: body.multitask_strategy ?? "reject",
    if_not_exists: threadId ? (body.if_not_exists ?? "reject") : "create",
    after_seconds: body.after_seconds ?? 0,
    kwargs: { input: body.input, command: body.command, config: body.config, context: body.context },
  };
  const filters = await authorize("threads:create_run", value);
  if (filters && threadId) {
    const thread = await p.threads.get(threadId);
    if (thread && !matchesAuthFilters(thread.metadata, filters)) throw new HttpError(404, ""); // the official body
  }
  return {
    body: { ...body, metadata: value.metadata, config: withAuthUser(body.config) },
    newThread: filters ? { metadata: value.metadata, auth_scope: authScopeOf(filters, value.metadata) } : undefined,
  };
}
