/**
 * API key check, as the SDK sends it (`new Client({ apiKey })` → `x-api-key`). Only the key's SHA-256 digest is
 * kept in memory, and digests are compared in constant time. `GET /ok` stays open for health checks, and `GET /info`
 * as on the official server: LangGraph Studio reads it before it has any credentials.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { json } from "./json.js";

export const digest = (key: string): Buffer => createHash("sha256").update(key, "utf8").digest();

const OPEN_PATHS = new Set(["/ok", "/info"]);

/** A 401 response when `expected` is set and the request does not carry the key; undefined when it may pass. */
export function rejectWithoutKey(req: Request, expected: Buffer | undefined): Response | undefined {
  if (!expected) return undefined;
  if (req.method === "GET" && OPEN_PATHS.has(new URL(req.url).pathname)) return undefined;
  const given = req.headers.get("x-api-key");
  if (given !== null && timingSafeEqual(digest(given), expected)) return undefined;
  return json({ detail: "Missing or invalid API key (send it in the x-api-key header)" }, 401);
}
