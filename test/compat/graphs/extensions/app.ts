import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { streamText } from "hono/streaming";
import { Client } from "@langchain/langgraph-sdk";

// What a langgraph.json project's http.app typically holds: its own routes, and middleware around every request.
export const app = new Hono()
  .use(async (c, next) => {
    if (c.req.query("blocked") != null) return c.json({ status: "blocked by middleware" });
    await next();
    c.header("x-ext-middleware", "seen");
  })
  .use(async (c, next) => {
    // Stamp every new thread's metadata with a header the client sent (a rewrite of a built-in route's body).
    const stamp = c.req.header("x-request-stamp");
    if (stamp && c.req.method === "POST" && c.req.path === "/threads") {
      const body = (await c.req.raw.clone().json()) as { metadata?: Record<string, unknown> };
      body.metadata = { ...body.metadata, stamp };
      c.req.raw = new Request(c.req.raw, { body: JSON.stringify(body) });
    }
    await next();
  })
  .use(async (c, next) => {
    // Reading a built-in route's body must leave it readable for the route.
    if (c.req.method === "POST" && c.req.path === "/assistants") {
      const body = (await c.req.json()) as { name?: string };
      if (body.name === "forbidden") return c.json({ detail: "name refused by the app" }, 403);
    }
    await next();
  })
  .get("/custom/hello", (c) =>
    c.json({ hello: c.req.query("name") ?? "world" }, { headers: { "x-echo": c.req.header("x-input") ?? "" } }),
  )
  .get("/runs/not-a-run-route", (c) => c.json({ mine: true }))
  .get("/custom/teapot", () => {
    throw new HTTPException(418, { message: "short and stout" });
  })
  .get("/custom/count", (c) =>
    streamText(c, async (stream) => {
      for (let i = 1; i <= 3; i++) await stream.writeln(`tick ${i}`);
    }),
  )
  .get("/custom/graphs", async (c) => {
    // No apiUrl: the SDK reaches this very server in process (the official loopback).
    const assistants = await new Client().assistants.search();
    return c.json({ graphs: assistants.map((a) => a.graph_id).sort() });
  })
  .notFound((c) => c.json({ custom: "not found" }));
