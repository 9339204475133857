/**
 * Custom auth beside the platform's other gates under `npm start`: the API key (both required, the key checked first)
 * and Studio's `x-auth-scheme: langsmith` bypass, refused when langgraph.json sets `auth.disable_studio_auth`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocal, type LocalSystem } from "../../lib/local/start.js";
import { token } from "./scenario.js";

const KEY = "auth-and-key-s3cret";
const at = { port: 0, host: "127.0.0.1" } as const;
// One server at a time: the API function of a process serves the platform started last.
let keyed: LocalSystem;
let noStudio: LocalSystem;

const createThread = (url: string, headers: Record<string, string>) =>
  fetch(`${url}/threads`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: "{}" });

describe("API key together with custom auth", () => {
  beforeAll(async () => {
    keyed = await startLocal({ ...at, config: "test/auth/project/langgraph.json", apiKey: KEY });
  }, 60_000);
  afterAll(async () => keyed?.close());

  it("needs both: the key is checked first, then the user's token", async () => {
    const bearer = { authorization: `Bearer ${await token("alice", "runs:write")}` };
    const tokenOnly = await createThread(keyed.url, bearer);
    expect(tokenOnly.status).toBe(401);
    expect(tokenOnly.headers.get("www-authenticate")).toBeNull(); // the key's refusal, not the auth handler's

    const keyOnly = await createThread(keyed.url, { "x-api-key": KEY });
    expect(keyOnly.status).toBe(401);
    expect(await keyOnly.text()).toBe("Missing bearer token");

    const both = await createThread(keyed.url, { "x-api-key": KEY, ...bearer });
    expect(both.status).toBe(200);
    expect(((await both.json()) as { metadata: unknown }).metadata).toEqual({ owner: "alice" });
  });

  it("does not let Studio's header stand in for the key", async () => {
    expect((await createThread(keyed.url, { "x-auth-scheme": "langsmith" })).status).toBe(401);
  });
});

describe("auth.disable_studio_auth", () => {
  beforeAll(async () => {
    noStudio = await startLocal({ ...at, config: "test/auth/project/langgraph.no-studio.json" });
  }, 60_000);
  afterAll(async () => noStudio?.close());

  it("refuses Studio's unauthenticated requests (x-auth-scheme: langsmith) like any other", async () => {
    const studio = await createThread(noStudio.url, { "x-auth-scheme": "langsmith" });
    expect(studio.status).toBe(401);
    expect(await studio.text()).toBe("Missing bearer token");
    const user = await createThread(noStudio.url, {
      "x-auth-scheme": "langsmith",
      authorization: `Bearer ${await token("bob", "")}`,
    });
    expect(((await user.json()) as { metadata: unknown }).metadata).toEqual({ owner: "bob" });
  });
});
