/**
 * Cron endpoints: create (on a thread or stateless), update, delete, search, count; under custom auth, as its
 * `crons:*` handlers allow, change and filter them (lib/auth/cron-auth.ts).
 */
import { json } from "../http/json.js";
import type { Input } from "../http/route.js";
import type { Platform } from "../platform.js";
import type { CronCountBody, CronCreateBody, CronPatchBody, CronSearchBody } from "../schemas/crons.js";
import { createCron, deleteCron, searchCrons, updateCron } from "../services/crons.js";
import {
  authorizeCronCreate,
  authorizeCronDelete,
  authorizeCronSearch,
  authorizeCronUpdate,
  checkCron,
} from "../auth/cron-auth.js";

export async function create({ body, params }: Input<CronCreateBody>, p: Platform): Promise<Response> {
  const threadId = params.thread_id ?? null;
  const authorized = await authorizeCronCreate(p, threadId, body);
  return json(await createCron(p, threadId, authorized.body, authorized.auth));
}

export async function update({ body, params }: Input<CronPatchBody>, p: Platform): Promise<Response> {
  const authorized = await authorizeCronUpdate(params.cron_id, body);
  if (authorized.filters) checkCron(await p.crons.get(params.cron_id), authorized.filters);
  return json(await updateCron(p, params.cron_id, authorized.body));
}

export async function remove({ params }: Input, p: Platform): Promise<Response> {
  await authorizeCronDelete(p, params.cron_id);
  await deleteCron(p, params.cron_id);
  return new Response(null, { status: 204 });
}

export async function search({ body }: Input<CronSearchBody>, p: Platform): Promise<Response> {
  const filters = await authorizeCronSearch(p, body);
  if (filters === null) return json([]);
  return json((await searchCrons(p, body, filters)).page);
}

export async function count({ body }: Input<CronCountBody>, p: Platform): Promise<Response> {
  const filters = await authorizeCronSearch(p, body);
  if (filters === null) return json(0);
  return json((await searchCrons(p, { ...body, limit: 1000, offset: 0 }, filters)).total);
}
