/**
 * Custom auth (langgraph.json auth.path) in the Lambda bundles as deployed: the same user-facing suite as under
 * `npm start` (test/auth/local.test.ts), against the bundled API handler behind a function URL front end, with runs
 * from the queue executed by the bundled worker handler (test/helpers/bundled-system.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBundledSystem, type BundledSystem } from "../helpers/bundled-system.js";
import { customAuthSuite } from "./scenario.js";

let system: BundledSystem;
beforeAll(async () => {
  system = await startBundledSystem("test/auth/project/langgraph.json", ".lambdagraph/test-bundle-auth-suite");
}, 180_000);
afterAll(async () => {
  await system?.close();
});

describe("custom auth in the bundled Lambda functions", () => {
  customAuthSuite(() => system);

  it("never trusts Studio's x-auth-scheme: langsmith", async () => {
    const res = await fetch(`${system.url}/threads`, {
      method: "POST",
      headers: { "x-auth-scheme": "langsmith", "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(401);
  });
});
