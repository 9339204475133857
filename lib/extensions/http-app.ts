/**
 * `http.app`: the user's Hono app, in front of the built-in routes, as `langgraph dev` mounts it
 * (`app.route("/", userApp)` ahead of its own routers). Its routes win over ours, its middleware runs around every
 * request (built-in routes included: it may answer early, read headers and the body, change request headers, or
 * set headers on our response after `await next()`), and what it does not answer reaches our routes.
 *
 * Hono is the user's dependency, not ours: the outer app is built with the constructor of the user's own app, so
 * the same Hono version composes both.
 */
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { splitModuleSpec } from "./config.js";

/** The part of a Hono app this module uses. */
export interface HonoLike {
  route(path: string, app: HonoLike): HonoLike;
  all(path: string, handler: (c: HonoContextLike) => Promise<Response>): HonoLike;
  fetch(req: Request, env?: unknown): Response | Promise<Response>;
}

interface HonoContextLike {
  req: { raw: Request; bodyCache: Record<string, unknown>; arrayBuffer(): Promise<ArrayBuffer> };
}

export function isHonoApp(value: unknown): value is HonoLike {
  const v = value as Partial<HonoLike> | undefined;
  return typeof v?.route === "function" && typeof v.all === "function" && typeof v.fetch === "function";
}

/** Imports `path:export` relative to the langgraph.json folder (npm start; the Lambda bundle imports it statically). */
export async function loadHttpApp(spec: string, configDir: string): Promise<HonoLike> {
  const { modulePath, exportName } = splitModuleSpec(spec);
  const file = resolve(configDir, modulePath);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`http.app "${spec}": cannot import ${file}: ${(err as Error).message}`);
  }
  return checkedHttpApp(module[exportName], spec);
}

export function checkedHttpApp(value: unknown, spec: string): HonoLike {
  if (!isHonoApp(value)) throw new Error(`http.app "${spec}": the export is not a Hono app (new Hono() from "hono")`);
  return value;
}

/** The user's app first; whatever it passes on (`next()`, or no route of its own) goes to `builtIn`. */
export function mountHttpApp(
  userApp: HonoLike,
  builtIn: (req: Request) => Promise<Response>,
): (req: Request) => Promise<Response> {
  const Hono = userApp.constructor as new () => HonoLike;
  const outer = new Hono();
  outer.route("/", userApp);
  outer.all("*", async (c) => builtIn(await forwardedRequest(c)));
  return async (req) => outer.fetch(req);
}

/**
 * The request as the user's middleware left it: `c.req.raw` (whose headers it may have changed), with the body
 * rebuilt from Hono's body cache when the middleware has read it (the stream itself is then used up).
 */
async function forwardedRequest(c: HonoContextLike): Promise<Request> {
  const raw = c.req.raw;
  if (Object.keys(c.req.bodyCache).length === 0 || raw.method === "GET" || raw.method === "HEAD") return raw;
  const body = await c.req.arrayBuffer();
  const headers = new Headers(raw.headers);
  headers.delete("content-length");
  return new Request(raw.url, { method: raw.method, headers, body, signal: raw.signal });
}
