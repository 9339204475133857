/** Crons through the official SDK, with the scheduler's tick driven by the test (runDueCrons at a chosen time). */
import type { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as workerHandler } from "../../functions/worker.js";
import type { LocalSystem } from "../../lib/local/start.js";
import { CRON_TICK_EVENT } from "../../lib/runs/cron-tick.js";
import { runDueCrons } from "../../lib/services/crons.js";
import { httpStatus as status, localServer, runReaches } from "../helpers/sdk.js";

let system: LocalSystem;
let client: Client;

beforeAll(async () => ({ system, client } = await localServer({ cronTickMs: 0 })));
afterAll(() => system?.close());

const minutesFromNow = (n: number) => new Date(Date.now() + n * 60_000);

describe("crons", () => {
  it("a thread cron starts one run per occurrence, once even when two schedulers tick together", async () => {
    const thread = await client.threads.create();
    const cron = await client.crons.createForThread(thread.thread_id, "simple", {
      schedule: "* * * * *",
      input: { count: 1 },
      metadata: { kind: "thread" },
    });
    expect(cron).toMatchObject({
      thread_id: thread.thread_id,
      schedule: "* * * * *",
      enabled: true,
      metadata: { kind: "thread" },
    });
    expect(Date.parse(cron.next_run_date!)).toBeGreaterThan(Date.now());
    expect(await client.runs.list(thread.thread_id)).toEqual([]);

    const at = minutesFromNow(1);
    const [a, b] = await Promise.all([runDueCrons(system.platform, at), runDueCrons(system.platform, at)]);
    const started = [...a, ...b].filter((s) => s.run_id);
    expect(started).toHaveLength(1);
    const [run] = await client.runs.list(thread.thread_id);
    expect((await runReaches(client, thread.thread_id, run.run_id, ["success"])).status).toBe("success");
    expect((await client.threads.getState(thread.thread_id)).values).toMatchObject({ count: 4 });
    // Moved on to the next minute.
    const [after] = await client.crons.search({ threadId: thread.thread_id });
    expect(Date.parse(after.next_run_date!)).toBeGreaterThan(at.getTime());
  });

  it("a stateless cron runs on a temporary thread; the worker function's cron-tick event starts it", async () => {
    const cron = await client.crons.create("simple", {
      schedule: "*/5 * * * *",
      input: { count: 2 },
      onRunCompleted: "keep",
    });
    expect(cron.thread_id).toBeNull();
    const due = new Date(Date.parse(cron.next_run_date!) + 1000);
    const started = await runDueCrons(system.platform, due);
    const mine = started.find((s) => s.cron_id === cron.cron_id)!;
    expect(mine.run_id).toBeTruthy();
    // The Lambda entry point recognises the scheduler's event (nothing more is due now).
    expect(await workerHandler(CRON_TICK_EVENT, {} as never)).toEqual({ started: 0 });
    const threads = await client.threads.search({ limit: 5 });
    const run = (await Promise.all(threads.map((t) => client.runs.list(t.thread_id))))
      .flat()
      .find((r) => r.run_id === mine.run_id)!;
    expect((await runReaches(client, run.thread_id, run.run_id, ["success"])).status).toBe("success");
  });

  it("update changes the schedule and can disable; delete removes; search and count filter", async () => {
    const tag = `crons-${Date.now()}`;
    const one = await client.crons.create("simple", { schedule: "0 9 * * *", input: { count: 1 }, metadata: { tag } });
    await client.crons.create("simple", { schedule: "0 10 * * *", input: { count: 1 }, metadata: { tag } });
    const updated = await client.crons.update(one.cron_id, { schedule: "30 8 * * *", timezone: "Europe/Paris" });
    expect(updated).toMatchObject({ schedule: "30 8 * * *", timezone: "Europe/Paris" });
    expect(
      new Date(updated.next_run_date!).toLocaleString("en-GB", {
        timeZone: "Europe/Paris",
        hour: "2-digit",
        minute: "2-digit",
      }),
    ).toBe("08:30");
    const disabled = await client.crons.update(one.cron_id, { enabled: false });
    expect(disabled).toMatchObject({ enabled: false, next_run_date: null });
    expect(await runDueCrons(system.platform, minutesFromNow(60 * 48))).not.toContainEqual(
      expect.objectContaining({ cron_id: one.cron_id }),
    );

    expect(await client.crons.count({ metadata: { tag } })).toBe(2);
    expect((await client.crons.search({ metadata: { tag }, enabled: false })).map((c) => c.cron_id)).toEqual([
      one.cron_id,
    ]);
    expect(
      (await client.crons.search({ metadata: { tag }, sortBy: "created_at", sortOrder: "asc", limit: 1 }))[0].cron_id,
    ).toBe(one.cron_id);
    await client.crons.delete(one.cron_id);
    expect(await client.crons.count({ metadata: { tag } })).toBe(1);
    expect(await status(client.crons.delete(one.cron_id))).toBe(404);
  });

  it("answers a bad schedule or body with 422 naming the field, an unknown thread or assistant with 404", async () => {
    const bad = await fetch(`${system.url}/runs/crons`, {
      method: "POST",
      body: JSON.stringify({ assistant_id: "simple", schedule: "every day" }),
    });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(await bad.json())).toContain("schedule");
    const missing = await fetch(`${system.url}/runs/crons`, {
      method: "POST",
      body: JSON.stringify({ assistant_id: "simple" }),
    });
    expect(missing.status).toBe(422);
    expect(
      await status(
        client.crons.createForThread("00000000-0000-4000-8000-000000000000", "simple", { schedule: "* * * * *" }),
      ),
    ).toBe(404);
    expect(await status(client.crons.create("no-such-assistant", { schedule: "* * * * *" }))).toBe(404);
    expect(await status(client.crons.update("00000000-0000-4000-8000-000000000000", { enabled: false }))).toBe(404);
  });
});
