import type { ZodType } from "zod";
import { errorResponse } from "./errors.js";
import { json } from "./json.js";

/**
 * A small router over web-standard Request/Response: a table of routes, `:param` path segments, nothing else.
 * Errors thrown by handlers become JSON error responses (see errors.ts); nothing a client sends can crash it.
 */
export type Params = Record<string, string>;
export type Handler<Ctx> = (req: Request, params: Params, ctx: Ctx) => Promise<Response> | Response;
export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface Route<Ctx> {
  method: Method;
  path: string;
  handler: Handler<Ctx>;
  /** The schema the handler validates its JSON body with (also what GET /openapi.json publishes). */
  body?: ZodType;
  /** The schema the handler validates its query string with. */
  query?: ZodType;
}

interface Compiled<Ctx> extends Route<Ctx> {
  segments: string[];
}

export function createRouter<Ctx>(routes: Route<Ctx>[]): (req: Request, ctx: Ctx) => Promise<Response> {
  const compiled: Compiled<Ctx>[] = routes.map((route) => ({ ...route, segments: split(route.path) }));
  return async (req, ctx) => {
    try {
      const segments = split(new URL(req.url).pathname);
      let pathMatched = false;
      for (const route of compiled) {
        const params = match(route.segments, segments);
        if (!params) continue;
        pathMatched = true;
        if (route.method === req.method) return await route.handler(req, params, ctx);
      }
      return pathMatched ? json({ detail: "Method Not Allowed" }, 405) : json({ detail: "Not Found" }, 404);
    } catch (err) {
      return errorResponse(err);
    }
  };
}

function split(path: string): string[] {
  return path.split("/").filter((s) => s !== "");
}

function match(pattern: string[], actual: string[]): Params | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Params = {};
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i].startsWith(":")) {
      try {
        params[pattern[i].slice(1)] = decodeURIComponent(actual[i]);
      } catch {
        return undefined;
      }
    } else if (pattern[i] !== actual[i]) {
      return undefined;
    }
  }
  return params;
}
