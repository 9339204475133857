/** CORS on the API as a browser sees it: allow-listed origins only, preflight answered before the key check. */
import { describe, expect, it } from "vitest";
import { withCors } from "../../lib/http/cors.js";

const app = withCors(
  async (req) =>
    req.headers.get("x-api-key") === "k" ? Response.json({ ok: true }) : new Response("no key", { status: 401 }),
  ["https://app.example.com"],
);

describe("withCors", () => {
  it("answers a preflight from an allowed origin without asking for the API key", async () => {
    const res = await app(
      new Request("http://api/threads", {
        method: "OPTIONS",
        headers: { origin: "https://app.example.com", "access-control-request-method": "POST" },
      }),
    );
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(res.headers.get("access-control-allow-headers")).toContain("x-api-key");
  });

  it("gives no CORS headers to an origin that is not listed", async () => {
    const pre = await app(
      new Request("http://api/threads", {
        method: "OPTIONS",
        headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
      }),
    );
    expect(pre.headers.get("access-control-allow-origin")).toBeNull();
    const res = await app(
      new Request("http://api/threads", { headers: { origin: "https://evil.example", "x-api-key": "k" } }),
    );
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("exposes Content-Location (the SDK reads the run id from it) on real responses, errors included", async () => {
    const ok = await app(
      new Request("http://api/threads", { headers: { origin: "https://app.example.com", "x-api-key": "k" } }),
    );
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(ok.headers.get("access-control-expose-headers")).toContain("content-location");
    expect(await ok.json()).toEqual({ ok: true });
    const denied = await app(new Request("http://api/threads", { headers: { origin: "https://app.example.com" } }));
    expect(denied.status).toBe(401);
    expect(denied.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
  });

  it("adds its headers to a response whose headers cannot change (a redirect, a fetch answer), keeping its status", async () => {
    const redirecting = withCors(async () => Response.redirect("https://elsewhere.example/", 307), ["*"]);
    const res = await redirecting(new Request("http://api/threads", { headers: { origin: "https://a.example" } }));
    expect(res.status).toBe(307);
    expect(res.headers.get("location")).toBe("https://elsewhere.example/");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("vary")).toBe("origin");
  });
});
