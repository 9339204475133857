/**
 * CORS as langgraph.json's `http.cors` configures it on the official server (which hands it to Hono's cors
 * middleware): allowed origins as a list or a regex, methods, headers, credentials, exposed headers, max age. A
 * preflight (any OPTIONS request) is answered 204 here; other responses get the headers added.
 * Used under `npm start`; on AWS the function URL answers CORS from the same settings (infra/platform.ts).
 */
import type { HttpCorsConfig } from "./config.js";

const DEFAULT_METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH", "QUERY"]; // Hono's, as the official server sends
/** The official server adds these to `expose_headers` when a list is given without them (the SDK reads them). */
export const REQUIRED_EXPOSE_HEADERS = ["content-location", "x-pagination-total"];

export function withConfiguredCors(
  app: (req: Request) => Promise<Response>,
  cors: HttpCorsConfig,
): (req: Request) => Promise<Response> {
  const regex = cors.allow_origin_regex ? new RegExp(cors.allow_origin_regex) : undefined;
  const anyOrigin = !regex && (cors.allow_origins === undefined || cors.allow_origins.includes("*"));
  const allowOrigin = (origin: string): string | undefined => {
    if (regex) return regex.test(origin) ? origin : undefined;
    if (anyOrigin) return "*";
    return cors.allow_origins!.includes(origin) ? origin : undefined;
  };
  const expose = exposeHeaders(cors.expose_headers);
  const methods = (cors.allow_methods ?? DEFAULT_METHODS).join(",");

  return async (req) => {
    const origin = allowOrigin(req.headers.get("origin") ?? "");
    const common = new Headers();
    if (origin) common.set("access-control-allow-origin", origin);
    if (cors.allow_credentials) common.set("access-control-allow-credentials", "true");
    if (expose.length) common.set("access-control-expose-headers", expose.join(","));

    if (req.method === "OPTIONS") {
      if (!anyOrigin) common.append("vary", "Origin");
      if (cors.max_age !== undefined) common.set("access-control-max-age", String(cors.max_age));
      if (methods) common.set("access-control-allow-methods", methods);
      const allowHeaders = cors.allow_headers?.length
        ? cors.allow_headers.join(",")
        : req.headers
            .get("access-control-request-headers")
            ?.split(",")
            .map((h) => h.trim())
            .join(",");
      if (allowHeaders) {
        common.set("access-control-allow-headers", allowHeaders);
        common.append("vary", "Access-Control-Request-Headers");
      }
      return new Response(null, { status: 204, headers: common });
    }

    const response = await app(req);
    const headers = new Headers(response.headers);
    common.forEach((value, name) => headers.set(name, value));
    if (!anyOrigin) headers.append("vary", "Origin");
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}

function exposeHeaders(list: string[] | undefined): string[] {
  if (!list?.length) return [];
  const lower = new Set(list.map((h) => h.toLowerCase()));
  return [...list, ...REQUIRED_EXPOSE_HEADERS.filter((h) => !lower.has(h))];
}

/**
 * On AWS the function URL answers CORS, from settings fixed at deploy time: langgraph.json's `http.cors`, with
 * the deploy's `corsOrigins` (when given) in place of `allow_origins`, and the SDK's headers where it names none.
 * A function URL takes a list of origins: no regex, and no "*" (a deployment lists who may call it).
 * Undefined: no CORS at all.
 */
export interface DeploymentCors {
  origins: string[];
  /** Methods a function URL accepts; ["*"] for all. */
  methods: string[];
  allowHeaders?: string[];
  exposeHeaders?: string[];
  maxAgeSeconds?: number;
  credentials?: boolean;
}

const FUNCTION_URL_METHODS = new Set(["GET", "PUT", "HEAD", "POST", "DELETE", "PATCH", "OPTIONS", "*"]);

export function deploymentCors(
  corsOrigins: string[] | undefined,
  cors: HttpCorsConfig | undefined,
): DeploymentCors | undefined {
  if (!corsOrigins?.length && !cors) return undefined;
  if (corsOrigins?.includes("*"))
    throw new Error('LangGraphPlatform: corsOrigins "*" would let any site call your API; list the origins');
  const origins = corsOrigins?.length ? corsOrigins : cors?.allow_origins;
  if (!corsOrigins?.length && cors?.allow_origin_regex) {
    throw new Error(
      "langgraph.json http.cors.allow_origin_regex: a function URL takes a list of origins; list them in allow_origins (or deploy with -c corsOrigins=…)",
    );
  }
  if (!origins?.length || origins.includes("*")) {
    throw new Error(
      'langgraph.json http.cors: a deployment answers CORS for listed origins only, never "*"; list them in allow_origins (or deploy with -c corsOrigins=…)',
    );
  }
  const methods = (cors?.allow_methods ?? ["*"]).map((m) => m.toUpperCase()).filter((m) => FUNCTION_URL_METHODS.has(m));
  return {
    origins,
    methods: methods.length ? methods : ["*"],
    allowHeaders: cors?.allow_headers,
    exposeHeaders: cors?.expose_headers?.length ? exposeHeaders(cors.expose_headers) : undefined,
    maxAgeSeconds: cors?.max_age,
    credentials: cors?.allow_credentials,
  };
}
