/**
 * A run whose queue message cannot be sent, after it took its thread: the run is withdrawn and the thread freed,
 * so the client is told 503 and its retry is not refused as busy.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunMessage } from "../../lib/runs/queue.js";
import { httpStatus, localServer } from "../helpers/sdk.js";

let server: Awaited<ReturnType<typeof localServer>>;
let failures = 0;
beforeAll(async () => {
  server = await localServer({ cronTickMs: 0 });
  const queue = server.system.platform.queue;
  const send = queue.send.bind(queue);
  queue.send = async (message: RunMessage) => {
    if (failures > 0) {
      failures--;
      throw new Error("SQS unavailable (test)");
    }
    return send(message);
  };
}, 60_000);
afterAll(async () => server?.system.close());

describe("a failed send after the thread is taken", () => {
  it("answers 503 and frees the thread: the client's retry runs (not 409)", async () => {
    const { client } = server;
    const thread = await client.threads.create();
    failures = 1;
    expect(await httpStatus(client.runs.create(thread.thread_id, "simple", { input: { count: 1 } }))).toBe(503);
    const result = await client.runs.wait(thread.thread_id, "simple", { input: { count: 1 } });
    expect(result).toMatchObject({ count: 4 });
    const runs = await client.runs.list(thread.thread_id);
    expect(runs.map((r) => r.status)).toEqual(["success"]); // the withdrawn run is gone
  }, 60_000);

  it("answers 503 while the queue is down, leaves nothing behind, and the thread takes the next run", async () => {
    const { client } = server;
    const thread = await client.threads.create();
    failures = 100;
    expect(await httpStatus(client.runs.create(thread.thread_id, "simple", { input: { count: 1 } }))).toBe(503);
    failures = 0;
    expect(await client.runs.list(thread.thread_id)).toEqual([]);
    expect((await client.threads.get(thread.thread_id)).status).toBe("idle");
    const result = await client.runs.wait(thread.thread_id, "simple", { input: { count: 1 } });
    expect(result).toMatchObject({ count: 4 });
  }, 120_000);
});
