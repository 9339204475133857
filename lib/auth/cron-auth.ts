/**
 * Custom auth for crons, as LangGraph Platform does it: `crons:create`, `crons:update`, `crons:delete` and
 * `crons:search` handlers run on the request's value (which they may change: stamp `metadata.owner`), their filters
 * match a cron's `metadata`, and a cron they do not match is not found. Creating a cron also reads its assistant
 * (`assistants:read`) and, on a thread, the thread (`threads:read`, a 404 when not the user's).
 *
 * Its runs are the creating user's: officially each occurrence runs `threads:create_run` as that user, rebuilt from
 * the user stored with the cron. The worker that starts occurrences (another Lambda on AWS) holds no auth file, so
 * here that handler runs once, when the cron is created, and what it decided is stored with the cron: the run's
 * metadata it stamped, the user in the run's `configurable` (langgraph_auth_*), and the owner scope of the thread
 * a stateless occurrence keeps.
 */
import { HttpError } from "../http/errors.js";
import type { Platform } from "../platform.js";
import type { CronCreateBody, CronPatchBody } from "../schemas/crons.js";
import type { RunCreateBody } from "../schemas/runs.js";
import type { CronAuth } from "../services/crons.js";
import { getAssistant } from "../services/assistants.js";
import type { Cron } from "../stores/cron-store.js";
import type { AuthFilters } from "./custom-auth.js";
import { matchesAuthFilters } from "./filters.js";
import { authorize, authorizeThread, withAuthUser } from "./guard.js";
import { requestAuth } from "./request-auth.js";
import { authorizeRun } from "./run-auth.js";

const cronNotFound = () => new HttpError(404, "Cron not found");

/** What the handlers decided for a new cron (undefined without custom auth); `body` as they changed it. */
export async function authorizeCronCreate(
  p: Platform,
  threadId: string | null,
  body: CronCreateBody,
): Promise<{ body: CronCreateBody; auth?: CronAuth }> {
  const context = requestAuth()?.context;
  if (!context) return { body };
  const value = {
    payload: { ...body } as Record<string, unknown>,
    schedule: body.schedule,
    cron_id: undefined,
    thread_id: threadId,
    user_id: context.user.identity,
    end_time: body.end_time ?? null,
    on_run_completed: body.on_run_completed ?? null,
    metadata: body.metadata ?? {},
  };
  await authorize("crons:create", value);
  const changed = { ...value.payload, metadata: value.metadata } as CronCreateBody; // as the handler left it
  const assistantFilters = await authorize("assistants:read", { assistant_id: changed.assistant_id });
  if (assistantFilters) {
    const assistant = await getAssistant(p, changed.assistant_id);
    if (!matchesAuthFilters(assistant.metadata, assistantFilters)) throw new HttpError(404, "Assistant not found");
  }
  if (threadId) await authorizeThread(p, "threads:read", { thread_id: threadId });
  // The occurrences' run, as `threads:create_run` allows and changes it (a refusal refuses the cron).
  const run = await authorizeRun(p, threadId ?? undefined, { ...changed, metadata: {} } as RunCreateBody);
  return {
    body: changed,
    auth: {
      user_id: context.user.identity,
      run_metadata: run.body.metadata ?? {},
      run_config: run.body.config ?? {},
      auth_scope: run.newThread?.auth_scope,
    },
  };
}

/** The filters of `crons:update` on the cron (checked by the caller); its new run config carries the user. */
export async function authorizeCronUpdate(
  cronId: string,
  body: CronPatchBody,
): Promise<{ body: CronPatchBody; filters?: AuthFilters }> {
  if (!requestAuth()?.context) return { body };
  const value = { ...body, cron_id: cronId, metadata: body.metadata ?? undefined };
  const filters = await authorize("crons:update", value);
  const config = body.config != null ? withAuthUser(body.config) : body.config;
  return { body: { ...body, metadata: value.metadata, config }, filters };
}

/** The cron, when the filters of `event` match it; else not found. */
export function checkCron(cron: Cron | undefined, filters: AuthFilters | undefined): Cron {
  if (!cron || !matchesAuthFilters(cron.metadata, filters)) throw cronNotFound();
  return cron;
}

export async function authorizeCronDelete(p: Platform, cronId: string): Promise<void> {
  const filters = await authorize("crons:delete", { cron_id: cronId });
  if (filters) checkCron(await p.crons.get(cronId), filters);
}

/**
 * The filters a cron search or count must also match (`crons:search`); `null` when the thread it is limited to is
 * not the user's (nothing to list).
 */
export async function authorizeCronSearch(
  p: Platform,
  query: { assistant_id?: string | null; thread_id?: string | null; limit?: number | null; offset?: number | null },
): Promise<AuthFilters | undefined | null> {
  const filters = await authorize("crons:search", { ...query, metadata: (query as { metadata?: unknown }).metadata });
  if (query.thread_id) {
    const threadFilters = await authorize("threads:read", { thread_id: query.thread_id });
    if (threadFilters) {
      const thread = await p.threads.get(query.thread_id);
      if (!thread || !matchesAuthFilters(thread.metadata, threadFilters)) return null;
    }
  }
  return filters;
}
