/**
 * LangGraph Studio (https://smith.langchain.com) connecting to the local server as Chrome makes it: /info first,
 * without credentials; a private-network preflight (a public page calling 127.0.0.1); then API calls whose
 * Content-Location and pagination headers the page must be allowed to read. With API-key mode on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocal, type LocalSystem } from "../../lib/local/start.js";

const STUDIO = "https://smith.langchain.com";
let system: LocalSystem;

beforeAll(async () => {
  system = await startLocal({ config: "langgraph.json", port: 0, host: "127.0.0.1", apiKey: "studio-key" });
});
afterAll(async () => {
  await system?.close();
});

describe("Studio connecting to the local server", () => {
  it("reads /info without credentials, with API-key mode on", async () => {
    const res = await fetch(`${system.url}/info`, { headers: { origin: STUDIO } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeTruthy();
    expect(await res.json()).toMatchObject({ flags: { assistants: true } });
    expect((await fetch(`${system.url}/threads/search`, { method: "POST", body: "{}" })).status).toBe(401);
  });

  it("gets an answer to Chrome's private-network preflight", async () => {
    const res = await fetch(`${system.url}/threads/search`, {
      method: "OPTIONS",
      headers: {
        origin: STUDIO,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,x-api-key,x-tenant-header", // custom headers set in Studio
        "access-control-request-private-network": "true",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBeTruthy();
    expect(res.headers.get("access-control-allow-private-network")).toBe("true");
    expect(res.headers.get("access-control-allow-headers")).toContain("x-tenant-header");
  });

  it("may read Content-Location and the pagination headers", async () => {
    const res = await fetch(`${system.url}/assistants/search`, {
      method: "POST",
      headers: { origin: STUDIO, "x-api-key": "studio-key", "content-type": "application/json" },
      body: JSON.stringify({ limit: 1 }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-pagination-total")).toBeTruthy();
    const exposed = res.headers
      .get("access-control-expose-headers")
      ?.toLowerCase()
      .split(/\s*,\s*/);
    expect(exposed).toEqual(expect.arrayContaining(["content-location", "x-pagination-total", "x-pagination-next"]));
  });
});
