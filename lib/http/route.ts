/**
 * A route: method, path, the zod schemas of its JSON body and query string, and the handler. The router validates
 * the request with the schemas before the handler runs, so the handler receives typed values and the schemas are
 * named once — here, in the route — which is also what GET /openapi.json publishes (lib/api/openapi.ts).
 */
import type { z, ZodType } from "zod";
import { invalid, validationError } from "./errors.js";
import { isUuid } from "../ids.js";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export type Params = Record<string, string>;

/** What a handler receives: the validated body and query (undefined where the route has no schema). */
export interface Input<Body = undefined, Query = undefined> {
  body: Body;
  query: Query;
  params: Params;
  req: Request;
}

type Out<S> = S extends ZodType ? z.output<S> : undefined;

export type Handler<Ctx, B = undefined, Q = undefined> = (input: Input<B, Q>, ctx: Ctx) => Promise<Response> | Response;

export interface Route<Ctx> {
  method: Method;
  path: string;
  /** The JSON body's schema (an empty body reads as `{}`); a failure answers 422 with `loc: ["body", …]`. */
  body?: ZodType;
  /** The query string's schema; keys the schema types as arrays may repeat. A failure answers 422 with `loc: ["query", …]`. */
  query?: ZodType;
  handler: Handler<Ctx, unknown, unknown>;
  /** Path ids taken as they come; elsewhere `thread_id`, `run_id`, `cron_id` and `checkpoint_id` must be UUIDs. */
  anyIds?: boolean;
}

/** A route whose handler is type-checked against its schemas' output. */
export function route<Ctx, B extends ZodType | undefined = undefined, Q extends ZodType | undefined = undefined>(spec: {
  method: Method;
  path: string;
  body?: B;
  query?: Q;
  handler: Handler<Ctx, Out<B>, Out<Q>>;
  anyIds?: boolean;
}): Route<Ctx> {
  return spec as Route<Ctx>;
}

/** The handler's input for `req`: path ids, then query, then body, as each schema parses them (ZodError → 422). */
export async function inputOf(route: Route<unknown>, req: Request, params: Params): Promise<Input<unknown, unknown>> {
  if (!route.anyIds) checkIds(params);
  const query = route.query ? parseOr422(route.query, queryObject(req, route.query), "query") : undefined;
  const body = route.body ? parseOr422(route.body, await readJson(req), "body") : undefined;
  return { body, query, params, req };
}

/** Path params that hold ids this server makes, all UUIDs. */
const UUID_PARAMS = ["thread_id", "run_id", "cron_id", "checkpoint_id"];

/**
 * A path id that is not a UUID names nothing: a 422 naming the param, as the official server refuses it (a 400 there,
 * as all its validation failures are) rather than a 404 for an id that could exist.
 */
function checkIds(params: Params): void {
  for (const name of UUID_PARAMS) {
    const value = params[name];
    if (value !== undefined && !isUuid(value))
      throw invalid({
        loc: ["path", name],
        msg: `${name} must be a UUID, got "${value.slice(0, 100)}"`,
        type: "uuid_parsing",
      });
  }
}

function parseOr422(schema: ZodType, value: unknown, where: "body" | "query"): unknown {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, where);
  return result.data;
}

/** The request's JSON body; an empty body reads as `{}`. Invalid JSON throws a SyntaxError (→ 422). */
export async function readJson(req: Request): Promise<unknown> {
  const text = await req.text();
  return text.trim() === "" ? {} : JSON.parse(text);
}

/** The query string as an object: a key the schema types as an array collects every value, others take one. */
function queryObject(req: Request, schema: ZodType): Record<string, unknown> {
  const params = new URL(req.url).searchParams;
  const raw: Record<string, unknown> = Object.fromEntries(params);
  for (const key of arrayKeys(schema)) raw[key] = params.has(key) ? params.getAll(key) : undefined;
  return raw;
}

const arrayKeysOf = new WeakMap<ZodType, string[]>();

function arrayKeys(schema: ZodType): string[] {
  let keys = arrayKeysOf.get(schema);
  if (!keys) {
    const shape = (schema as unknown as { shape?: Record<string, ZodType> }).shape ?? {};
    keys = Object.keys(shape).filter((key) => isArray(shape[key]));
    arrayKeysOf.set(schema, keys);
  }
  return keys;
}

/** An array schema, under any optional / nullable / default wrappers. */
function isArray(schema: ZodType): boolean {
  const def = schema.def as { type: string; innerType?: ZodType };
  if (def.type === "array") return true;
  return def.innerType !== undefined && isArray(def.innerType);
}
