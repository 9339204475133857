/** Custom auth (langgraph.json auth.path) under `npm start`, and Studio's bypass there. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalSystem } from "../../lib/local/start.js";
import { runDueCrons } from "../../lib/services/crons.js";
import { localServer } from "../helpers/sdk.js";
import { customAuthSuite } from "./scenario.js";

let system: LocalSystem;
beforeAll(async () => {
  ({ system } = await localServer({ config: "test/auth/project/langgraph.json", cronTickMs: 0 }));
}, 60_000);
afterAll(async () => {
  await system?.close();
});

describe("custom auth under npm start", () => {
  customAuthSuite(() => ({ url: system.url, tick: () => runDueCrons(system.platform) }));

  it("takes Studio's requests (x-auth-scheme: langsmith) as Studio's user", async () => {
    const res = await fetch(`${system.url}/threads`, {
      method: "POST",
      headers: { "x-auth-scheme": "langsmith", "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { metadata: unknown }).metadata).toEqual({ owner: "langgraph-studio-user" });
  });
});
