/**
 * What a run costs in DynamoDB requests, as the request meter counts them (a user-observable cost: requests are
 * billed and each is a round trip): a 2-node `runs.wait` on an existing thread, from the request to the last write
 * its worker makes after answering.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { RequestMeter } from "../../lib/dynamo/request-meter.js";
import { localServer } from "../helpers/sdk.js";

let server: Awaited<ReturnType<typeof localServer>>;
let meter: RequestMeter;
beforeAll(async () => {
  // No background work counted with the run (no cron ticks, sweep, cancel poll, nor a poll of the event log: the waiter is woken in-process), and the run's events stored in one
  // flush at its end, however slow the machine (by default they are flushed every 50 ms while it runs).
  server = await localServer({
    cronTickMs: 0,
    sweepMs: 0,
    platformOptions: { cancelPollMs: 60_000, eventFlushMs: 60_000, eventPollMs: 60_000 },
  });
  meter = new RequestMeter().attach(server.system.platform.client);
});
afterAll(async () => server?.system.close());

/** Resolves once no request has been sent for 300 ms (the worker's last writes follow the answer). */
async function quiet(): Promise<void> {
  let last = -1;
  for (let i = 0; i < 100 && meter.peek().requests !== last; i++) {
    last = meter.peek().requests;
    await new Promise((r) => setTimeout(r, 300));
  }
}

it("a 2-node runs.wait on an existing thread makes at most 11 DynamoDB requests", async () => {
  const { client } = server;
  const thread = await client.threads.create();
  await client.runs.wait(thread.thread_id, "simple", { input: { count: 1 } }); // graph loaded, thread has state
  await quiet();
  meter.take();
  const output = await client.runs.wait(thread.thread_id, "simple", { input: { count: 2 } });
  await quiet();
  const reading = meter.take();
  expect(output).toMatchObject({ count: 6, trail: ["increment", "double", "increment", "double"] });
  expect(reading.requests, JSON.stringify(reading.byOperation)).toBeLessThanOrEqual(11);
  // The thread records the run's result for readers that come after it.
  expect((await client.threads.get(thread.thread_id)).values).toMatchObject({ count: 6 });
});

it("a run on a thread written since this process last saw it carries the thread's latest metadata", async () => {
  // The run that freed the thread left this process its copy; a new run takes the thread without reading it, on
  // condition that nothing wrote it since. Here something did: the run must see what was written, not the copy.
  const { client } = server;
  const thread = await client.threads.create({ metadata: { owner: "a" } });
  await client.runs.wait(thread.thread_id, "simple", { input: { count: 1 } });
  await client.threads.update(thread.thread_id, { metadata: { owner: "b" } });
  const run = await client.runs.create(thread.thread_id, "simple", { input: { count: 1 } });
  expect(run.metadata).toMatchObject({ owner: "b" });
  await client.runs.join(thread.thread_id, run.run_id);
  expect((await client.runs.get(thread.thread_id, run.run_id)).metadata).toMatchObject({ owner: "b" });
});

it("a run on a thread this process has just created does not read the thread first", async () => {
  // The create left this process its copy: the run takes the thread on condition that nothing wrote it since.
  const { client } = server;
  await client.runs.wait(null, "simple", { input: { count: 1 } }); // the graph loaded, as above
  await quiet();
  const thread = await client.threads.create();
  meter.take();
  const output = await client.runs.wait(thread.thread_id, "simple", { input: { count: 2 } });
  await quiet();
  const reading = meter.take();
  expect(output).toMatchObject({ count: 6 });
  // One GetItem: the assistant's (12 requests, two of them GetItems, when the thread was read again).
  expect(reading.byOperation.GetItem, JSON.stringify(reading.byOperation)).toBe(1);
  expect(reading.requests, JSON.stringify(reading.byOperation)).toBeLessThanOrEqual(11);
});
