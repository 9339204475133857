/**
 * The request pipeline, composed in this one place. Each request passes, in order:
 *   1. CORS (when configured: langgraph.json's http.cors, else the platform's origins) — preflights answered here;
 *   2. the API key check (when a key is configured);
 *   2b. custom auth (langgraph.json auth.path, lib/auth/): authentication of every request but the open ones,
 *      the user it finds carried to the handlers, which authorize what each does (lib/auth/guard.ts);
 *   3. the user's http.app (when there is one), in front of the routes;
 *   4. the router: the route table (routes.ts) — the routes http.disable_* leaves on, /internal/truncate under
 *      npm start, /ui/* when the config has a ui (lib/extensions/) — each request validated by its route's schemas.
 * A step that concerns every request goes here; one that concerns a route goes on its entry in routes.ts.
 */
import { rejectWithoutKey } from "../http/api-key.js";
import { authenticated, authenticating } from "../auth/request-auth.js";
import { withCors, withPrivateNetworkAccess } from "../http/cors.js";
import { createRouter } from "../http/router.js";
import { withConfiguredCors } from "../extensions/cors.js";
import type { Extensions } from "../extensions/extensions.js";
import { mountHttpApp } from "../extensions/http-app.js";
import { bindLoopbackFetch } from "../extensions/loopback.js";
import { enabledRoutes } from "../extensions/route-groups.js";
import { uiRoutes } from "../extensions/ui-routes.js";
import type { Platform } from "../platform.js";
import { internalRoutes } from "./internal.js";
import { routes } from "./routes.js";

/** The API of a platform; `bundled` gives the extensions a Lambda bundle registered (http.app, ui). */
export function createApp(bundled?: () => Extensions | undefined): (req: Request, p: Platform) => Promise<Response> {
  const apps = new WeakMap<Platform, (req: Request) => Promise<Response>>();
  return (req, p) => {
    let app = apps.get(p);
    if (!app) apps.set(p, (app = appFor(p, p.extensions ?? bundled?.() ?? {})));
    return app(req);
  };
}

function appFor(p: Platform, ext: Extensions): (req: Request) => Promise<Response> {
  const table = [
    ...(ext.truncate ? internalRoutes : []),
    ...enabledRoutes(routes, ext.http),
    ...(ext.uiDir ? uiRoutes<Platform>(ext.uiDir) : []),
  ];
  const router = createRouter(table);
  const auth = ext.auth;
  const routed = auth ? authenticated(auth, (r) => router(r, p)) : (r: Request) => router(r, p);
  const mounted = ext.httpApp ? mountHttpApp(ext.httpApp, routed) : routed;
  const served = auth ? authenticating(auth, mounted) : mounted;
  const api = async (req: Request) => rejectWithoutKey(req, p.apiKeyDigest) ?? served(req);
  bindLoopbackFetch(api);
  if (!p.corsOrigins) return api;
  return withPrivateNetworkAccess(
    ext.http?.cors ? withConfiguredCors(api, ext.http.cors) : withCors(api, p.corsOrigins),
  );
}
