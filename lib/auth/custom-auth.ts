/**
 * Custom auth as LangGraph Platform runs it: langgraph.json `auth.path` names an `Auth` instance of
 * `@langchain/langgraph-sdk/auth`; its `authenticate` callback turns a request into a user, and its `on(...)`
 * handlers allow, refuse or filter each `resource:action` event (shared/reference/protocol.md, "Custom auth").
 *
 * The official server keeps the one Auth of its process in module state (`@langchain/langgraph-api/auth`
 * registerAuth); here each platform holds its own (tests run several servers in one process, and a Lambda bundle
 * imports the auth file statically instead of by path). The semantics are the official ones: the user normalised
 * the same way, handlers looked up `resource:action` → `resource` → `*:action` → `*`, a result of nothing or `true`
 * allows, `false` is a 403, an object is a filter, and an `HTTPException` thrown by user code becomes the response.
 */
import { HttpError } from "../http/errors.js";

export interface AuthUser {
  identity: string;
  display_name: string;
  permissions: string[];
  is_authenticated: boolean;
  [key: string]: unknown;
}

/** Who a request is: the user `authenticate` returned and their permissions (the official `scopes`). */
export interface AuthContext {
  user: AuthUser;
  scopes: string[];
}

/** What a handler returned to filter by: `{k: v}`, `{k: {$eq: v}}`, `{k: {$contains: v | v[]}}` (see filters.ts). */
export type AuthFilters = Record<string, unknown>;

type Callback = (args: {
  event: string;
  resource: string;
  action: string;
  value: unknown;
  permissions: string[];
  user: AuthUser;
}) => unknown;

interface HandlerCache {
  authenticate?: (request: Request) => unknown;
  callbacks?: Record<string, Callback>;
}

/** The user Studio's requests are taken to be when its bypass is trusted (the official StudioUser). */
export const STUDIO_USER: AuthUser = {
  kind: "StudioUser",
  display_name: "langgraph-studio-user",
  identity: "langgraph-studio-user",
  permissions: [],
  is_authenticated: true,
};

export interface CustomAuthOptions {
  /** Take `x-auth-scheme: langsmith` requests as Studio's, unauthenticated: `npm start` only, never on AWS. */
  trustStudio: boolean;
}

export class CustomAuth {
  private constructor(
    private readonly handlers: HandlerCache,
    readonly options: CustomAuthOptions,
  ) {}

  /** The `Auth` instance a module exported (named by `spec`, for the error when it is not one). */
  static of(instance: unknown, spec: string, options: CustomAuthOptions): CustomAuth {
    if (!instance) throw new Error(`Failed to load auth: ${spec} exports nothing by that name`);
    if (typeof instance !== "object" || !("~handlerCache" in instance))
      throw new Error(`Auth must be an instance of Auth (@langchain/langgraph-sdk/auth): ${spec}`);
    return new CustomAuth((instance as { "~handlerCache": HandlerCache })["~handlerCache"], options);
  }

  /**
   * The request's user; undefined when the Auth has no `authenticate` (then handlers do not run, as officially).
   * A Studio request is Studio's user when trusted. What the callback throws becomes the response.
   */
  async authenticate(request: Request): Promise<AuthContext | undefined> {
    if (this.options.trustStudio && request.headers.get("x-auth-scheme") === "langsmith")
      return { user: STUDIO_USER, scopes: [] };
    const authenticate = this.handlers.authenticate;
    if (!authenticate) return undefined;
    let response: unknown;
    try {
      response = await authenticate(request);
    } catch (err) {
      throw asHttpError(err);
    }
    if (typeof response === "string")
      return {
        scopes: [],
        user: { identity: response, display_name: response, permissions: [], is_authenticated: true },
      };
    if (response && typeof response === "object" && typeof (response as AuthUser).identity === "string") {
      const user = response as Partial<AuthUser> & { identity: string };
      const scopes = Array.isArray(user.permissions) ? user.permissions : [];
      return {
        scopes,
        user: {
          ...user,
          permissions: scopes,
          is_authenticated: user.is_authenticated ?? true,
          display_name: user.display_name ?? user.identity,
        },
      };
    }
    throw new Error(
      "Invalid auth response received. Make sure to either return a `string` or an object with `identity` property.",
    );
  }

  /**
   * Runs the handler for `event` (e.g. "threads:read") on `value`, which it may mutate. Returns the filters it
   * returned (undefined: allowed without a filter). A `false` result is a 403, what the handler throws its response.
   */
  async authorize<V>(context: AuthContext | undefined, event: string, value: V): Promise<AuthFilters | undefined> {
    const callbacks = this.handlers.callbacks;
    if (!callbacks || !context) return undefined;
    const [resource, action] = event.split(":");
    const key = [event, resource, `*:${action}`, "*"].find((k) => callbacks[k]);
    if (!key) return undefined;
    let result: unknown;
    try {
      result = await callbacks[key]({
        event,
        resource,
        action,
        value,
        permissions: context.scopes,
        user: context.user,
      });
    } catch (err) {
      throw asHttpError(err);
    }
    if (result == null || result === true) return undefined;
    if (result === false) throw new HttpError(403, "");
    if (typeof result !== "object")
      throw new HttpError(
        500,
        `Auth handler returned invalid result. Expected filter object, null, undefined or boolean. Got "${typeof result}" instead.`,
      );
    return result as AuthFilters;
  }
}

/**
 * An `HTTPException` from user code (anything with `status` and `headers`) as the response the official server
 * gives: its status, its message (else "Unauthorized") and its headers. Anything else is an error of the server.
 */
function asHttpError(err: unknown): unknown {
  if (err && typeof err === "object" && "status" in err && "headers" in err) {
    const e = err as { status: number; message?: string; headers?: Record<string, string> };
    return new HttpError(e.status, e.message || "Unauthorized", undefined, e.headers ?? {});
  }
  return err;
}
