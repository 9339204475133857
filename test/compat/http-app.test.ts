/**
 * langgraph.json `http`: the user's Hono app in front of the built-in routes (custom routes, middleware around
 * every request, reading and rewriting built-in requests, the in-process SDK loopback), `http.cors` and
 * `http.disable_*` — against `npm start` on a project written the way `langgraph dev` users write it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@langchain/langgraph-sdk";
import { httpStatus, localServer } from "../helpers/sdk.js";
import type { LocalSystem } from "../../lib/local/start.js";

const CONFIG = "test/compat/graphs/extensions/langgraph.json";
let system: LocalSystem;
let client: Client;
let url: string;

beforeAll(async () => {
  ({ system, client } = await localServer({ config: CONFIG }));
  url = system.url;
}, 60_000);
afterAll(async () => {
  await system?.close();
});

describe("http.app", () => {
  it("serves the app's own routes, its middleware wrapping them", async () => {
    const res = await fetch(`${url}/custom/hello?name=ada`, { headers: { "x-input": "ping" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ hello: "ada" });
    expect(res.headers.get("x-echo")).toBe("ping");
    expect(res.headers.get("x-ext-middleware")).toBe("seen");
  });

  it("runs its middleware around the built-in routes, which may answer in their place", async () => {
    const info = await fetch(`${url}/info`);
    expect(info.status).toBe(200);
    expect(info.headers.get("x-ext-middleware")).toBe("seen");
    expect(await info.json()).toHaveProperty("version");

    const blocked = await fetch(`${url}/assistants/search?blocked`, { method: "POST", body: "{}" });
    expect(await blocked.json()).toEqual({ status: "blocked by middleware" });
  });

  it("takes precedence over a built-in path; what neither serves is a 404 (the app's notFound is not used)", async () => {
    expect(await (await fetch(`${url}/runs/not-a-run-route`)).json()).toEqual({ mine: true });
    const missing = await fetch(`${url}/does/not/exist`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).not.toContain("custom");
  });

  it("answers an HTTPException with its status and streams a streamed response", async () => {
    const teapot = await fetch(`${url}/custom/teapot`);
    expect(teapot.status).toBe(418);
    expect(await teapot.text()).toBe("short and stout");
    const stream = await fetch(`${url}/custom/count`);
    expect(await stream.text()).toBe("tick 1\ntick 2\ntick 3\n");
  });

  it("lets middleware read a built-in route's body (still served) and rewrite it", async () => {
    const refused = await httpStatus(client.assistants.create({ graphId: "agent", name: "forbidden" }));
    expect(refused).toBe(403);
    const created = await client.assistants.create({ graphId: "agent", name: "allowed", metadata: { team: "a" } });
    expect(created).toMatchObject({ name: "allowed", metadata: { team: "a" } });

    const stamped = await fetch(`${url}/threads`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-stamp": "from-the-app" },
      body: JSON.stringify({ metadata: { owner: "me" } }),
    });
    const thread = (await stamped.json()) as { thread_id: string };
    expect((await client.threads.get(thread.thread_id)).metadata).toEqual({ owner: "me", stamp: "from-the-app" });
  });

  it("gives an SDK Client made without apiUrl inside the server a loopback to it", async () => {
    expect(await (await fetch(`${url}/custom/graphs`)).json()).toEqual({ graphs: expect.arrayContaining(["agent"]) });
  });
});

describe("http.disable_* and http.cors", () => {
  it("does not serve a disabled group (404) and serves the others", async () => {
    expect(await httpStatus(client.store.putItem(["ns"], "k", { v: 1 }))).toBe(404);
    expect(await httpStatus(client.store.searchItems(["ns"]))).toBe(404);
    expect((await client.assistants.search({ graphId: "agent" })).length).toBeGreaterThan(0);
  });

  it("answers CORS as configured: the listed origin only, credentials, max age, exposed headers", async () => {
    const preflight = await fetch(`${url}/threads`, {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example.com",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(preflight.headers.get("access-control-allow-credentials")).toBe("true");
    expect(preflight.headers.get("access-control-max-age")).toBe("60");
    expect(preflight.headers.get("access-control-allow-headers")).toBe("content-type");

    const ok = await fetch(`${url}/ok`, { headers: { origin: "https://app.example.com" } });
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(ok.headers.get("access-control-expose-headers")?.split(",")).toEqual([
      "x-request-stamp",
      "content-location",
      "x-pagination-total",
    ]);

    const other = await fetch(`${url}/ok`, { headers: { origin: "https://evil.example.com" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });
});
