/**
 * CORS for browsers calling the API from another origin. `npm start` allows any origin ("*": it only listens on
 * 127.0.0.1); a deployment configures its allow-list on the function URL instead (LangGraphPlatform `cors`).
 */
/** What the SDK sends and reads; the CDK construct gives the same lists to the function URL's CORS. */
export const CORS_ALLOW_HEADERS = [
  "content-type",
  "x-api-key",
  "last-event-id",
  "authorization",
  "x-auth-scheme",
] as const;
export const CORS_EXPOSE_HEADERS = ["content-location", "location", "x-pagination-total", "x-pagination-next"] as const;
export const CORS_MAX_AGE_SECONDS = 600;

export function withCors(
  app: (req: Request) => Promise<Response>,
  allowOrigins: string[],
): (req: Request) => Promise<Response> {
  const originFor = (req: Request) => {
    if (allowOrigins.includes("*")) return "*";
    const origin = req.headers.get("origin");
    return origin && allowOrigins.includes(origin) ? origin : undefined;
  };
  return async (req) => {
    const origin = originFor(req);
    if (req.method === "OPTIONS" && req.headers.get("access-control-request-method")) {
      return new Response(null, {
        status: 204,
        headers: origin
          ? {
              "access-control-allow-origin": origin,
              "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
              // The headers asked for, as the official server (Hono) answers: Studio may send custom ones.
              "access-control-allow-headers":
                req.headers.get("access-control-request-headers") ?? CORS_ALLOW_HEADERS.join(", "),
              "access-control-max-age": String(CORS_MAX_AGE_SECONDS),
              vary: "origin",
            }
          : {},
      });
    }
    const response = await app(req);
    if (!origin) return response;
    return withHeaders(response, (headers) => {
      headers.set("access-control-allow-origin", origin);
      headers.set("access-control-expose-headers", EXPOSE_HEADERS);
      headers.append("vary", "origin");
    });
  };
}

const EXPOSE_HEADERS = CORS_EXPOSE_HEADERS.join(", ");

/**
 * `response` with `change` made to its headers: in place (a Response made with `new Response` has mutable headers,
 * and copying one costs a Headers and a Response per request), else (a fetch() answer's headers are immutable) on
 * a copy with the same status and body.
 */
function withHeaders(response: Response, change: (headers: Headers) => void): Response {
  try {
    change(response.headers);
    return response;
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    const headers = new Headers(response.headers);
    change(headers);
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}

/**
 * Chrome's Private Network Access: a public page (LangGraph Studio at https://smith.langchain.com) calling a server
 * on 127.0.0.1 first sends a preflight with `Access-Control-Request-Private-Network: true`, and goes on only if the
 * answer allows it. Added to any preflight the CORS layer under it allowed (it set an allowed origin).
 */
export function withPrivateNetworkAccess(
  app: (req: Request) => Promise<Response>,
): (req: Request) => Promise<Response> {
  return async (req) => {
    const response = await app(req);
    const asked = req.method === "OPTIONS" && req.headers.get("access-control-request-private-network") === "true";
    if (!asked || !response.headers.has("access-control-allow-origin")) return response;
    const headers = new Headers(response.headers);
    headers.set("access-control-allow-private-network", "true");
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}
