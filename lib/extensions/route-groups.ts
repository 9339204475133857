/**
 * `http.disable_{assistants,threads,runs,store,meta}`: the built-in route groups a langgraph.json switches off.
 * A switched-off route is not served at all (404, as on the official server), so a user app may take its path.
 * The groups are the official server's routers: runs includes crons, thread runs and the thread-centric protocol.
 */
import type { Route } from "../http/router.js";
import type { HttpConfig } from "./config.js";

export type RouteGroup = "meta" | "assistants" | "threads" | "runs" | "store";

export function routeGroup(path: string): RouteGroup | undefined {
  const [first, , third] = path.split("/").filter(Boolean);
  if (first === "assistants") return "assistants";
  if (first === "store") return "store";
  if (first === "runs") return "runs";
  if (first === "threads")
    return third === "runs" || third === "commands" || third === "stream" ? runsOrThreads(path) : "threads";
  if (["ok", "info", "openapi.json", "docs"].includes(first ?? "")) return "meta";
  return undefined;
}

/** GET /threads/:id/stream (the thread's join stream) is the official threads router's; the protocol stream is runs'. */
function runsOrThreads(path: string): RouteGroup {
  return path.endsWith("/stream") && path.split("/").filter(Boolean).length === 3 ? "threads" : "runs";
}

export function enabledRoutes<Ctx>(routes: Route<Ctx>[], http: HttpConfig | undefined): Route<Ctx>[] {
  if (!http) return routes;
  const disabled = new Set<RouteGroup>();
  for (const group of ["meta", "assistants", "threads", "runs", "store"] as const)
    if (http[`disable_${group}`]) disabled.add(group);
  if (disabled.size === 0) return routes;
  return routes.filter((route) => {
    const group = routeGroup(route.path);
    return group === undefined || !disabled.has(group);
  });
}
