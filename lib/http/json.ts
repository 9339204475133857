import type { z } from "zod";

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body ?? null), { status, headers: { "content-type": "application/json", ...headers } });
}

/** The request's JSON body; an empty body reads as `{}`. Invalid JSON throws a SyntaxError (→ 422). */
export async function readJson(req: Request): Promise<unknown> {
  const text = await req.text();
  return text.trim() === "" ? {} : JSON.parse(text);
}

/** The body validated by `schema` (a ZodError → 422 naming the field). */
export async function parseBody<S extends z.ZodType>(req: Request, schema: S): Promise<z.infer<S>> {
  const body = await readJson(req);
  return schema.parse(body);
}
