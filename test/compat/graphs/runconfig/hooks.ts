import { Hono } from "hono";

// Keeps the webhook calls it receives, per run, for the test to read back.
const received = new Map<string, unknown>();

export const app = new Hono()
  .post("/hooks/run-finished", async (c) => {
    const payload = (await c.req.json()) as { run_id: string };
    received.set(payload.run_id, { payload, contentType: c.req.header("content-type") ?? null });
    return c.json({ stored: true });
  })
  .get("/hooks/received/:run_id", (c) => c.json(received.get(c.req.param("run_id")) ?? null));
