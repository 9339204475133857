import { ZodError } from "zod";

/** An error with an HTTP status, thrown by services and turned into a response by the router. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** Any error as a JSON response: 4xx with a clear detail for bad input, 500 (logged) for the rest. */
export function errorResponse(err: unknown): Response {
  if (err instanceof HttpError) return jsonError(err.status, err.body ?? { detail: err.message });
  if (err instanceof ZodError) return jsonError(422, validationDetail(err, "body"));
  if (err instanceof SyntaxError) return jsonError(422, { detail: "Invalid JSON body" });
  console.error(
    JSON.stringify({
      level: "error",
      msg: "unhandled error in request handler",
      error: err instanceof Error ? err.message : String(err),
      stack: err instanceof Error ? err.stack : undefined,
    }),
  );
  return jsonError(500, { detail: "Internal Server Error" });
}

/** A validation failure as the API reports it: each issue's `loc` is where (`body`, `query`) and the field's path. */
export function validationDetail(err: ZodError, where: "body" | "query"): { detail: { loc: string[]; msg: string; type: string }[] } {
  return { detail: err.issues.map((issue) => ({ loc: [where, ...issue.path.map(String)], msg: issue.message, type: issue.code })) };
}

function jsonError(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}
