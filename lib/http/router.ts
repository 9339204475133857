import { errorResponse } from "./errors.js";
import { inputOf, type Params, type Route } from "./route.js";

/**
 * A small router over web-standard Request/Response: a table of routes (route.ts), `:param` path segments, nothing
 * else. It validates each request with its route's schemas and hands the handler typed input. Errors thrown by
 * handlers become error responses (see errors.ts); nothing a client sends can crash it. What no route serves — an
 * unknown path, or a known path with a method none of its routes has — is answered as the official server (Hono)
 * answers it: 404 with the text `404 Not Found`; HEAD is served by the GET route.
 */
export type { Handler, Input, Method, Params, Route } from "./route.js";

interface Compiled<Ctx> {
  route: Route<Ctx>;
  segments: string[];
}

export function createRouter<Ctx>(routes: Route<Ctx>[]): (req: Request, ctx: Ctx) => Promise<Response> {
  const compiled: Compiled<Ctx>[] = routes.map((route) => ({ route, segments: split(route.path) }));
  const serve = async (route: Route<Ctx>, req: Request, params: Params, ctx: Ctx) =>
    route.handler(await inputOf(route as Route<unknown>, req, params), ctx);
  return async (req, ctx) => {
    try {
      const segments = split(new URL(req.url).pathname);
      for (const { route, segments: pattern } of compiled) {
        const params = match(pattern, segments);
        if (!params) continue;
        if (route.method === req.method) return await serve(route, req, params, ctx);
        if (route.method === "GET" && req.method === "HEAD") return withoutBody(await serve(route, req, params, ctx));
      }
      return notFound();
    } catch (err) {
      return errorResponse(err);
    }
  };
}

function notFound(): Response {
  return new Response("404 Not Found", { status: 404, headers: { "content-type": "text/plain; charset=UTF-8" } });
}

function withoutBody(res: Response): Response {
  void res.body?.cancel().catch(() => undefined);
  return new Response(null, { status: res.status, statusText: res.statusText, headers: res.headers });
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
