// Custom auth as LangGraph Platform users write it: JWT bearer tokens, resources owned by their creator, scopes.
import { Auth, HTTPException } from "@langchain/langgraph-sdk/auth";
import { jwtVerify } from "jose";

export const SECRET = new TextEncoder().encode("lambdagraph-auth-test-secret-do-not-use-elsewhere");

export const auth = new Auth()
  .authenticate(async (request: Request) => {
    const authorization = request.headers.get("authorization");
    if (!authorization?.startsWith("Bearer "))
      throw new HTTPException(401, { message: "Missing bearer token", headers: { "www-authenticate": "Bearer" } });
    try {
      const { payload } = await jwtVerify(authorization.slice("Bearer ".length), SECRET);
      return {
        identity: String(payload.sub),
        display_name: typeof payload.name === "string" ? payload.name : String(payload.sub),
        permissions: typeof payload.scope === "string" ? payload.scope.split(" ") : [],
      };
    } catch {
      throw new HTTPException(401, { message: "Invalid token" });
    }
  })
  // Running a graph needs a scope; the run (and a thread it creates) is the user's.
  .on("threads:create_run", ({ value, user, permissions }) => {
    if (!permissions.includes("runs:write")) throw new HTTPException(403, { message: "Missing scope runs:write" });
    value.metadata = { ...value.metadata, owner: user.identity };
    return { owner: user.identity };
  })
  // Every other thread event: the user's own threads only; a new one is stamped as theirs.
  .on("threads", ({ action, value, user }) => {
    if (action === "create") {
      const created = value as { metadata?: Record<string, unknown> };
      created.metadata = { ...created.metadata, owner: user.identity };
    }
    return { owner: user.identity };
  })
  // Assistants: anyone reads them; changing them needs a scope.
  .on("assistants", ({ action, permissions }) => {
    if (action === "read" || action === "search") return;
    if (!permissions.includes("assistants:write"))
      throw new HTTPException(403, { message: "Missing scope assistants:write" });
  })
  // Crons: each user's own; their runs are the user's too (threads:create_run above, as the user who made the cron).
  .on("crons", ({ action, value, user }) => {
    if (action === "create") {
      const created = value as { metadata?: Record<string, unknown> };
      created.metadata = { ...created.metadata, owner: user.identity };
    }
    return { owner: user.identity };
  })
  // The store: each user's items live under a namespace that starts with their identity.
  .on("store", ({ value, user }) => {
    const namespace = (value as { namespace?: string[] }).namespace;
    if (namespace?.[0] !== user.identity) throw new HTTPException(403, { message: "Not your namespace" });
  });
