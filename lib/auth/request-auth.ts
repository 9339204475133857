/**
 * Custom auth in the request pipeline: every request but the open ones is authenticated before anything serves it
 * (the user's http.app included, as officially), and the user it is travels with the request to the handlers that
 * authorize what it does (lib/auth/guard.ts).
 *
 * The user travels in an AsyncLocalStorage: between authentication and the routes sits the user's own Hono app,
 * which may hand the routes another Request object, so the Request cannot carry it. Inside the routes the store
 * is always set — when it is not (a path around the outer layer), the request is authenticated again there — so a
 * handler never runs unauthenticated under custom auth.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { errorResponse } from "../http/errors.js";
import type { AuthContext, CustomAuth } from "./custom-auth.js";

interface RequestAuth {
  auth: CustomAuth;
  /** Undefined for an open path (GET /ok, /info, UI assets), or an Auth with no `authenticate`. */
  context: AuthContext | undefined;
}

const storage = new AsyncLocalStorage<RequestAuth>();

/** The custom auth and user of the request being served; undefined when the platform has no custom auth. */
export function requestAuth(): RequestAuth | undefined {
  return storage.getStore();
}

/** Served without authentication, as the official server serves them (and `/ok`, the health check). */
export function isOpenPath(req: Request): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const path = new URL(req.url).pathname;
  return path === "/ok" || path === "/info" || path.startsWith("/ui/");
}

type App = (req: Request) => Promise<Response>;

/** The outer layer: authenticates (a refusal is the response), then serves the request as that user. */
export function authenticating(auth: CustomAuth, app: App): App {
  return async (req) => {
    let context: AuthContext | undefined;
    if (!isOpenPath(req)) {
      try {
        context = await auth.authenticate(req);
      } catch (err) {
        return errorResponse(err);
      }
    }
    return storage.run({ auth, context }, () => app(req));
  };
}

/** The inner layer, right before the routes: the user the outer layer found, else authenticated here. */
export function authenticated(auth: CustomAuth, routes: App): App {
  return async (req) => (storage.getStore() ? routes(req) : authenticating(auth, routes)(req));
}
