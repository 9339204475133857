/**
 * threads.prune with keep_latest never deletes history under a running run: a thread a run holds is skipped (not
 * counted), and the run's history stays whole; once the thread is free, the same prune keeps only the latest.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localServer } from "../helpers/sdk.js";

const dir = mkdtempSync(join(tmpdir(), "lambdagraph-prune-"));
let server: Awaited<ReturnType<typeof localServer>>;
beforeAll(async () => {
  const config = join(dir, "langgraph.json");
  writeFileSync(
    config,
    JSON.stringify({ graphs: { steps: `${resolve("test/hardening/fixtures/steps-graph.ts")}:graph` } }),
  );
  server = await localServer({ config, cronTickMs: 0 });
}, 60_000);
afterAll(async () => {
  await server?.system.close();
  rmSync(dir, { recursive: true, force: true });
});

const doneOf = (values: unknown) => (values as { done?: string[] }).done ?? [];

describe("threads.prune keep_latest", () => {
  it("skips a thread a run holds, and the run's history stays whole", async () => {
    const { client } = server;
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "steps", { input: { delay_ms: 400 } });
    for (let i = 0; i < 400 && doneOf((await client.threads.getState(thread.thread_id)).values).length < 2; i++)
      await new Promise((r) => setTimeout(r, 25));

    expect(await client.threads.prune([thread.thread_id], { strategy: "keep_latest" })).toEqual({ pruned_count: 0 });
    await client.runs.join(thread.thread_id, run.run_id);
    expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe("success");
    const history = await client.threads.getHistory(thread.thread_id, { limit: 100 });
    // Every step's checkpoint is there: done grew one step at a time, from the input to the end.
    expect(history.map((state) => doneOf(state.values).length).reverse()).toEqual([0, 0, 1, 2, 3, 4, 5]);

    expect(await client.threads.prune([thread.thread_id], { strategy: "keep_latest" })).toEqual({ pruned_count: 1 });
    const pruned = await client.threads.getHistory(thread.thread_id, { limit: 100 });
    expect(pruned.map((state) => doneOf(state.values))).toEqual([["s1", "s2", "s3", "s4", "s5"]]);
    expect((await client.threads.get(thread.thread_id)).status).toBe("idle");
  }, 60_000);
});
