import { ZodError } from "zod";
import { errorFields, log } from "../log/log.js";

/**
 * An error with an HTTP status, thrown by services and turned into a response by the router. Its message is the
 * response body, as plain text — what the official server (Hono's HTTPException) answers, so the SDK surfaces
 * `HTTP 404: Assistant not found`. Bad input (422) is JSON instead: the `body` given (validation failures naming
 * their field), else `{detail: message}`.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
    /** Headers the response carries (an auth handler's HTTPException may set some, e.g. WWW-Authenticate). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/**
 * Any error as a response: an HttpError's message as plain text (or its JSON body), 422 with a JSON body naming
 * the field for bad input, and a plain 500 (logged) for the rest.
 */
export function errorResponse(err: unknown): Response {
  if (err instanceof HttpError) {
    if (err.body !== undefined) return jsonError(err.status, err.body);
    // Bad input (422) stays JSON, as every validation failure is; the rest is the message as plain text.
    return err.status === 422
      ? jsonError(422, { detail: err.message })
      : textError(err.status, err.message, err.headers);
  }
  if (err instanceof ZodError) return errorResponse(validationError(err, "body"));
  if (err instanceof SyntaxError) return jsonError(422, { detail: "Invalid JSON body" });
  logUnhandled(err);
  return textError(500, "Internal Server Error");
}

/** The message a client is told for `err`, where it cannot get a response of its own (a reply already begun). */
export function errorMessage(err: unknown): string {
  if (err instanceof HttpError) return err.message;
  if (err instanceof ZodError) return validationError(err, "body").message;
  if (err instanceof SyntaxError) return "Invalid JSON body";
  logUnhandled(err);
  return "Internal Server Error";
}

function logUnhandled(err: unknown): void {
  log.error("unhandled error in request handler", errorFields(err));
}

/** One thing wrong with the input: where (`body`, `query`, `path`, `header`, then the field's path), what, and its kind. */
export interface Problem {
  loc: string[];
  msg: string;
  type: string;
}

/**
 * The one builder of validation failures: a 422 whose JSON body is `{detail: [{loc, msg, type}, …]}`, each problem
 * naming its field. `message` is what a client is told where a reply has already begun (the first problem's).
 */
export function invalid(problems: Problem | Problem[], message?: string): HttpError {
  const detail = Array.isArray(problems) ? problems : [problems];
  return new HttpError(422, message ?? detail[0]?.msg ?? "Invalid input", { detail });
}

/** A zod failure of the request's `where` part, as `invalid` reports it. */
export function validationError(err: ZodError, where: "body" | "query"): HttpError {
  const problems = err.issues.map((issue) => ({
    loc: [where, ...issue.path.map(String)],
    msg: issue.message,
    type: issue.code,
  }));
  return invalid(problems, where === "query" ? "Invalid query string" : JSON.stringify(problems));
}

function jsonError(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

function textError(status: number, message: string, headers?: Record<string, string>): Response {
  return new Response(message, { status, headers: { "content-type": "text/plain; charset=UTF-8", ...headers } });
}
