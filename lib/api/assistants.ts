/** Assistant endpoints (default assistants, one per graph; stored assistants come with the API-surface issue). */
import { z } from "zod";
import { json, parseBody } from "../http/json.js";
import type { Params } from "../http/router.js";
import type { Platform } from "../platform.js";
import { getAssistant, searchAssistants } from "../services/assistants.js";

const SearchBody = z.object({
  graph_id: z.string().nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  limit: z.number().int().min(1).max(1000).nullish(),
  offset: z.number().int().min(0).nullish(),
});

export async function search(req: Request, _params: Params, p: Platform): Promise<Response> {
  const body = await parseBody(req, SearchBody);
  return json(searchAssistants(p, { graph_id: body.graph_id ?? undefined, metadata: body.metadata ?? undefined, limit: body.limit ?? 10, offset: body.offset ?? 0 }));
}

export async function count(req: Request, _params: Params, p: Platform): Promise<Response> {
  const body = await parseBody(req, SearchBody);
  return json(searchAssistants(p, { graph_id: body.graph_id ?? undefined, metadata: body.metadata ?? undefined, limit: 1_000_000, offset: 0 }).length);
}

export async function get(_req: Request, params: Params, p: Platform): Promise<Response> {
  return json(getAssistant(p, params.assistant_id));
}

export async function graph(req: Request, params: Params, p: Platform): Promise<Response> {
  const assistant = getAssistant(p, params.assistant_id);
  const xray = new URL(req.url).searchParams.get("xray");
  const depth = xray === null || xray === "false" ? false : xray === "true" ? true : Number(xray);
  return json(await p.graphs.drawable(assistant.graph_id, depth));
}

export async function schemas(_req: Request, params: Params, p: Platform): Promise<Response> {
  const assistant = getAssistant(p, params.assistant_id);
  return json(await p.graphs.schemas(assistant.graph_id));
}
