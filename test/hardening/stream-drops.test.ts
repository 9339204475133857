/**
 * No client behaviour takes the local server down (issue 13): clients that leave at random (seeded) points —
 * before sending their whole body, right after the request, after the headers, after a few bytes of a stream —
 * 200 times, against streams that keep writing. The server must stay up: it still answers /ok and runs a graph.
 * An uncaught EPIPE (a write to a client that left, with no 'error' listener) ends the test file with an error.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@langchain/langgraph-sdk";
import type { LocalSystem } from "../../lib/local/start.js";
import { human, localServer } from "../helpers/sdk.js";

const SEED = Number(process.env.DROP_SEED ?? 7013);
const DROPS = 200;
const AT_ONCE = 8;

let system: LocalSystem;
let client: Client;
beforeAll(async () => {
  ({ system, client } = await localServer());
});
afterAll(async () => {
  await system?.close();
});

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type When = "mid-body" | "after-request" | "after-headers" | "after-bytes";

/** One request whose client leaves at `when`; resolves once its socket is gone (never rejects). */
function dropped(
  path: string,
  method: string,
  body: string | undefined,
  when: When,
  bytes: number,
  delayMs: number,
): Promise<void> {
  const url = new URL(path, system.url);
  return new Promise<void>((resolve) => {
    const req = request(url, {
      method,
      headers: { "content-type": "application/json", ...(body ? { "content-length": Buffer.byteLength(body) } : {}) },
    });
    const drop = () => {
      req.destroy();
      resolve();
    };
    req.on("error", () => resolve());
    req.on("close", () => resolve());
    // Whatever the plan, gone within a moment: a join of the long run would otherwise last the whole run.
    setTimeout(drop, delayMs + 150);
    req.on("response", (res) => {
      if (when === "after-headers") return setTimeout(drop, delayMs);
      let seen = 0;
      res.on("data", (chunk: Buffer) => {
        seen += chunk.length;
        if (seen >= bytes) drop();
      });
      res.on("error", () => resolve());
      res.on("end", () => resolve());
    });
    if (when === "mid-body" && body) {
      req.write(body.slice(0, Math.max(1, Math.floor(body.length / 2))));
      setTimeout(drop, delayMs);
      return;
    }
    req.end(body);
    if (when === "after-request") setTimeout(drop, delayMs);
  });
}

describe("clients that leave streams at random points", () => {
  it("leave the server up, 200 times: it still answers /ok and runs a graph", async () => {
    const rng = mulberry32(SEED);
    // A run that streams a token every 50 ms for the whole test: joins of it are streams that keep writing.
    const thread = await client.threads.create();
    const long = await client.runs.create(thread.thread_id, "agent", {
      input: human(`slow ${"word ".repeat(200)}`),
      streamMode: ["messages-tuple", "values", "updates"],
    });
    const kinds = [
      () => ({ method: "GET", path: `/threads/${thread.thread_id}/runs/${long.run_id}/stream`, body: undefined }),
      () => ({ method: "GET", path: `/threads/${thread.thread_id}/stream?stream_mode=run_modes`, body: undefined }),
      () => ({
        method: "POST",
        path: "/runs/stream",
        body: JSON.stringify({ assistant_id: "simple", input: { count: 1 }, stream_mode: ["values", "debug"] }),
      }),
      () => ({ method: "POST", path: "/threads/search", body: JSON.stringify({ limit: 100 }) }),
      () => ({ method: "GET", path: "/openapi.json", body: undefined }),
    ];
    const whens: When[] = ["mid-body", "after-request", "after-headers", "after-bytes", "after-bytes"];
    const plan = Array.from({ length: DROPS }, () => {
      const kind = kinds[Math.floor(rng() * kinds.length)]();
      return {
        ...kind,
        when: whens[Math.floor(rng() * whens.length)],
        bytes: 1 + Math.floor(rng() * 4096),
        delayMs: Math.floor(rng() * 60),
      };
    });
    for (let i = 0; i < plan.length; i += AT_ONCE) {
      await Promise.all(
        plan.slice(i, i + AT_ONCE).map((d) => dropped(d.path, d.method, d.body, d.when, d.bytes, d.delayMs)),
      );
    }
    // Still up: it answers, and runs a graph to the end.
    expect((await fetch(`${system.url}/ok`)).status).toBe(200);
    const other = await client.threads.create();
    const result = (await client.runs.wait(other.thread_id, "simple", { input: { count: 1 } })) as { count: number };
    expect(result.count).toBe(4);
    await client.runs.cancel(thread.thread_id, long.run_id);
  });
});
