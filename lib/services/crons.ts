/**
 * Crons: a schedule that starts a run on a thread, or a stateless run, at each occurrence. Occurrences are started
 * by runDueCrons, which a scheduler calls: every minute on AWS (EventBridge Scheduler → the worker function, see
 * infra/platform.ts), every few seconds under `npm start` (lib/local/start.ts).
 */
import { CronExpressionParser } from "cron-parser";
import { HttpError, invalid } from "../http/errors.js";
import { uuid7 } from "../ids.js";
import { now, type Platform } from "../platform.js";
import type { CronCreateBody, CronPatchBody, CronSearchBody } from "../schemas/crons.js";
import type { RunCreateBody } from "../schemas/runs.js";
import { containsJson } from "../search/contains.js";
import type { AuthFilters } from "../auth/custom-auth.js";
import { matchesAuthFilters } from "../auth/filters.js";
import type { Cron } from "../stores/cron-store.js";
import { getAssistant } from "./assistants.js";
import { createRun, createStatelessRun } from "./runs.js";
import { getThreadOr404 } from "./threads.js";
import { errorMessage, log } from "../log/log.js";

export type { Cron };

/**
 * Under custom auth, what its handlers decided for a cron's runs when it was created (lib/auth/cron-auth.ts): the
 * creating user, the runs' metadata and config (with the user in `configurable`), and the owner scope of the thread a
 * stateless occurrence keeps (kept with the cron, never shown).
 */
export interface CronAuth {
  user_id: string;
  run_metadata: Record<string, unknown>;
  run_config: Record<string, unknown>;
  auth_scope?: string;
}

/** A cron as the API shows it. */
export function publicCron(cron: Cron): Cron {
  const { auth_scope: _scope, ...shown } = cron;
  return shown;
}

const RUN_FIELDS = [
  "input",
  "config",
  "context",
  "interrupt_before",
  "interrupt_after",
  "webhook",
  "multitask_strategy",
  "stream_mode",
  "stream_subgraphs",
  "stream_resumable",
  "durability",
] as const;

function invalidField(field: string, msg: string): HttpError {
  return invalid({ loc: ["body", field], msg, type: "value_error" });
}

/** The first occurrence after `after`, or null when there is none before `endTime`. */
export function nextOccurrence(
  schedule: string,
  timezone: string | null,
  after: Date,
  endTime: string | null,
): string | null {
  let next: Date;
  try {
    next = CronExpressionParser.parse(schedule, { currentDate: after, tz: timezone ?? "UTC" })
      .next()
      .toDate();
  } catch (err) {
    throw invalidField(
      "schedule",
      `schedule "${schedule}" is not a valid cron expression${timezone ? ` in ${timezone}` : ""}: ${(err as Error).message}`,
    );
  }
  return endTime && next.getTime() > Date.parse(endTime) ? null : next.toISOString();
}

function payloadOf(body: Partial<CronCreateBody>): Record<string, unknown> {
  return Object.fromEntries(RUN_FIELDS.filter((k) => body[k] != null).map((k) => [k, body[k]]));
}

export async function createCron(
  p: Platform,
  threadId: string | null,
  body: CronCreateBody,
  auth?: CronAuth,
): Promise<Cron> {
  const assistant = await getAssistant(p, body.assistant_id);
  if (threadId) await getThreadOr404(p, threadId);
  const at = now();
  const enabled = body.enabled ?? true;
  const cron: Cron = {
    cron_id: uuid7(),
    assistant_id: assistant.assistant_id,
    thread_id: threadId,
    ...(threadId ? {} : { on_run_completed: body.on_run_completed ?? "delete" }),
    end_time: body.end_time ?? null,
    schedule: body.schedule,
    timezone: body.timezone ?? null,
    created_at: at,
    updated_at: at,
    payload: auth ? { ...payloadOf(body), metadata: auth.run_metadata, config: auth.run_config } : payloadOf(body),
    user_id: auth?.user_id ?? null,
    next_run_date: null,
    metadata: body.metadata ?? {},
    enabled,
    ...(auth?.auth_scope ? { auth_scope: auth.auth_scope } : {}),
  };
  const next = nextOccurrence(cron.schedule, cron.timezone, new Date(), cron.end_time);
  cron.next_run_date = enabled ? next : null;
  await p.crons.put(cron);
  return publicCron(cron);
}

export async function getCronOr404(p: Platform, cronId: string): Promise<Cron> {
  const cron = await p.crons.get(cronId);
  if (!cron) throw new HttpError(404, "Cron not found");
  return cron;
}

export async function updateCron(p: Platform, cronId: string, body: CronPatchBody): Promise<Cron> {
  const cron = await getCronOr404(p, cronId);
  const updated: Cron = {
    ...cron,
    schedule: body.schedule ?? cron.schedule,
    timezone: body.timezone !== undefined ? body.timezone : cron.timezone,
    end_time: body.end_time !== undefined ? body.end_time : cron.end_time,
    metadata: body.metadata ?? cron.metadata,
    enabled: body.enabled ?? cron.enabled,
    payload: { ...cron.payload, ...payloadOf(body) },
    ...(cron.thread_id ? {} : { on_run_completed: body.on_run_completed ?? cron.on_run_completed }),
    updated_at: now(),
  };
  const next = nextOccurrence(updated.schedule, updated.timezone, new Date(), updated.end_time);
  updated.next_run_date = updated.enabled ? next : null;
  await p.crons.put(updated);
  return publicCron(updated);
}

export async function deleteCron(p: Platform, cronId: string): Promise<void> {
  if (!(await p.crons.delete(cronId))) throw new HttpError(404, "Cron not found");
}

export async function searchCrons(
  p: Platform,
  query: CronSearchBody,
  authFilters?: AuthFilters,
): Promise<{ page: Partial<Cron>[]; total: number }> {
  const sortBy = query.sort_by ?? "created_at";
  const direction = (query.sort_order ?? "desc") === "desc" ? -1 : 1;
  const matching = (await p.crons.list())
    .filter(
      (c) =>
        (query.assistant_id == null || c.assistant_id === query.assistant_id) &&
        (query.thread_id == null || c.thread_id === query.thread_id) &&
        (query.enabled == null || c.enabled === query.enabled) &&
        (query.metadata == null || containsJson(c.metadata, query.metadata)) &&
        matchesAuthFilters(c.metadata, authFilters),
    )
    .map(publicCron)
    .sort((a, b) => direction * String(a[sortBy] ?? "").localeCompare(String(b[sortBy] ?? "")));
  const offset = query.offset ?? 0;
  const page = matching.slice(offset, offset + (query.limit ?? 10));
  const select = query.select;
  return {
    page: select ? page.map((c) => Object.fromEntries(Object.entries(c).filter(([k]) => select.includes(k)))) : page,
    total: matching.length,
  };
}

/**
 * Starts every occurrence due at `at`: each is taken by one conditional write (so concurrent ticks start it
 * once), the cron moves on to its next occurrence, then the run is created. Returns the runs started.
 */
export async function runDueCrons(
  p: Platform,
  at = new Date(),
): Promise<{ cron_id: string; run_id?: string; error?: string }[]> {
  const started: { cron_id: string; run_id?: string; error?: string }[] = [];
  for (const cron of await p.crons.due(at.getTime())) {
    const next = nextOccurrence(cron.schedule, cron.timezone, at, cron.end_time);
    if (!(await p.crons.advance(cron, next, now()))) continue;
    const body = { ...cron.payload, assistant_id: cron.assistant_id } as RunCreateBody;
    // A cron created under custom auth: its runs, and the thread a stateless one keeps, are its creator's.
    const newThread = cron.user_id ? { metadata: body.metadata ?? {}, auth_scope: cron.auth_scope } : undefined;
    try {
      const run = cron.thread_id
        ? await createRun(p, cron.thread_id, { multitask_strategy: "enqueue", ...body }, { onDisconnect: "continue" })
        : await createStatelessRun(
            p,
            { ...body, on_completion: cron.on_run_completed ?? "delete" },
            { onDisconnect: "continue", newThread },
          );
      started.push({ cron_id: cron.cron_id, run_id: run.run_id });
    } catch (err) {
      const error = errorMessage(err);
      log.error("cron run not started", { cron_id: cron.cron_id, error });
      started.push({ cron_id: cron.cron_id, error });
    }
  }
  return started;
}
