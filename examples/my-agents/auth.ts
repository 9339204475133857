/**
 * Custom auth as on LangGraph Platform (langgraph.json `auth.path`). A toy: the bearer token is the user's id.
 * A real project verifies a JWT here (e.g. with `jose`) and returns its subject.
 */
import { Auth, HTTPException } from "@langchain/langgraph-sdk/auth";

export const auth = new Auth()
  .authenticate(async (request: Request) => {
    const token = request.headers.get("authorization")?.match(/^Bearer (.+)$/)?.[1];
    if (!token) throw new HTTPException(401, { message: "Missing bearer token" });
    return { identity: token, permissions: [] };
  })
  .on("*", ({ value, user }) => {
    // What a user creates is stamped with its owner; what they read is filtered to what they own.
    if (value && typeof value === "object" && "metadata" in value) {
      const record = value as { metadata?: Record<string, unknown> | null };
      record.metadata = { ...record.metadata, owner: user.identity };
    }
    return { owner: user.identity };
  });
