/** Cron endpoints: create (on a thread or stateless), update, delete, search, count. */
import { json } from "../http/json.js";
import type { Input } from "../http/route.js";
import type { Platform } from "../platform.js";
import type { CronCountBody, CronCreateBody, CronPatchBody, CronSearchBody } from "../schemas/crons.js";
import { createCron, deleteCron, searchCrons, updateCron } from "../services/crons.js";

export async function create({ body, params }: Input<CronCreateBody>, p: Platform): Promise<Response> {
  return json(await createCron(p, params.thread_id ?? null, body));
}

export async function update({ body, params }: Input<CronPatchBody>, p: Platform): Promise<Response> {
  return json(await updateCron(p, params.cron_id, body));
}

export async function remove({ params }: Input, p: Platform): Promise<Response> {
  await deleteCron(p, params.cron_id);
  return new Response(null, { status: 204 });
}

export async function search({ body }: Input<CronSearchBody>, p: Platform): Promise<Response> {
  return json((await searchCrons(p, body)).page);
}

export async function count({ body }: Input<CronCountBody>, p: Platform): Promise<Response> {
  return json((await searchCrons(p, { ...body, limit: 1000, offset: 0 })).total);
}
