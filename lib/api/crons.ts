/** Cron endpoints: create (on a thread or stateless), update, delete, search, count. */
import { json, parseBody } from "../http/json.js";
import type { Params } from "../http/router.js";
import type { Platform } from "../platform.js";
import { CronCountBody, CronCreateBody, CronPatchBody, CronSearchBody } from "../schemas/crons.js";
import { createCron, deleteCron, searchCrons, updateCron } from "../services/crons.js";

export async function create(req: Request, params: Params, p: Platform): Promise<Response> {
  return json(await createCron(p, params.thread_id ?? null, await parseBody(req, CronCreateBody)));
}

export async function update(req: Request, params: Params, p: Platform): Promise<Response> {
  return json(await updateCron(p, params.cron_id, await parseBody(req, CronPatchBody)));
}

export async function remove(_req: Request, params: Params, p: Platform): Promise<Response> {
  await deleteCron(p, params.cron_id);
  return new Response(null, { status: 204 });
}

export async function search(req: Request, _params: Params, p: Platform): Promise<Response> {
  return json((await searchCrons(p, await parseBody(req, CronSearchBody))).page);
}

export async function count(req: Request, _params: Params, p: Platform): Promise<Response> {
  return json((await searchCrons(p, { ...(await parseBody(req, CronCountBody)), limit: 1000, offset: 0 })).total);
}
