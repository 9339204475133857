import { ZodError, type z } from "zod";
import { HttpError, validationDetail } from "./errors.js";

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body ?? null), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
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

/**
 * The query string validated by `schema` (a failure → 422 with `loc: ["query", field]`). Keys in `repeated` are
 * read as arrays (`?stream_mode=a&stream_mode=b`); every other key as its one value.
 */
export function parseQuery<S extends z.ZodType>(req: Request, schema: S, repeated: string[] = []): z.infer<S> {
  const params = new URL(req.url).searchParams;
  const raw: Record<string, unknown> = Object.fromEntries(params);
  for (const key of repeated) raw[key] = params.has(key) ? params.getAll(key) : undefined;
  try {
    return schema.parse(raw);
  } catch (err) {
    if (err instanceof ZodError) throw new HttpError(422, "Invalid query string", validationDetail(err, "query"));
    throw err;
  }
}
