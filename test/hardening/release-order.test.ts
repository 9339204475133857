/**
 * A run that reads as finished has released its thread: "see it end, start the next run" is never refused as busy.
 * The worker records the run's status before it frees the thread; a run created in between takes over a thread
 * whose holder has already finished. Measured before the fix: 2 of 30 refused under npm start, 7 of 30 with the
 * API and the worker in separate processes.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadGraphs } from "../../lib/graphs/registry.js";
import { HttpError } from "../../lib/http/errors.js";
import { createPlatform, type Platform } from "../../lib/platform.js";
import { InProcessQueue } from "../../lib/runs/queue.js";
import { executeRun } from "../../lib/runs/worker.js";
import { ensureDefaultAssistants } from "../../lib/services/assistants.js";
import { createRun } from "../../lib/services/runs.js";
import { newThread } from "../../lib/stores/thread-store.js";
import { startTestDynamo, type TestDynamo } from "../helpers/dynamo.js";
import { localServer } from "../helpers/sdk.js";

const LOOPS = 30;
const FINAL = ["success", "error", "interrupted", "timeout"];

describe("under npm start", () => {
  let server: Awaited<ReturnType<typeof localServer>>;
  beforeAll(async () => {
    server = await localServer({ cronTickMs: 0 });
  }, 60_000);
  afterAll(async () => server?.system.close());

  it(`${LOOPS} times: poll runs.get until success, then start the next run at once — never 409`, async () => {
    const { client } = server;
    const thread = await client.threads.create();
    const refused: number[] = [];
    for (let i = 0; i < LOOPS; i++) {
      let run;
      try {
        run = await client.runs.create(thread.thread_id, "simple", { input: { count: i } });
      } catch (err) {
        if ((err as { status?: number }).status !== 409) throw err;
        refused.push(i);
        await client.runs.join(
          thread.thread_id,
          (await client.runs.list(thread.thread_id, { limit: 100 })).at(-1)!.run_id,
        );
        continue;
      }
      for (;;) {
        const current = await client.runs.get(thread.thread_id, run.run_id);
        if (FINAL.includes(current.status)) break;
      }
    }
    expect(refused).toEqual([]);
  }, 120_000);
});

describe("API and worker in separate processes", () => {
  let dynamo: TestDynamo;
  let api: Platform;
  beforeAll(async () => {
    dynamo = await startTestDynamo();
    const tables = await dynamo.freshTables();
    const graphs = await loadGraphs("langgraph.json");
    // Each side has its own DynamoDB client and in-memory state; the queue is the only link, as SQS is on AWS.
    const queue = new InProcessQueue();
    api = createPlatform({ client: dynamo.newClient(), tables, graphs, queue });
    const worker = createPlatform({ client: dynamo.newClient(), tables, graphs, queue });
    queue.setConsumer(async (message) => void (await executeRun(worker, message)));
    await ensureDefaultAssistants(api);
  }, 60_000);
  afterAll(async () => dynamo?.close());

  it(`${LOOPS} times: read the run until success, then create the next at once — never 409`, async () => {
    const thread = newThread(randomUUID(), {});
    await api.threads.create(thread);
    const refused: number[] = [];
    for (let i = 0; i < LOOPS; i++) {
      let run;
      try {
        run = await createRun(
          api,
          thread.thread_id,
          { assistant_id: "simple", input: { count: i } },
          { onDisconnect: "continue" },
        );
      } catch (err) {
        if (!(err instanceof HttpError && err.status === 409)) throw err;
        refused.push(i);
        while ((await api.threads.get(thread.thread_id))?.active_run) await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      while (!FINAL.includes((await api.runs.get(thread.thread_id, run.run_id))!.status));
    }
    expect(refused).toEqual([]);
  }, 120_000);
});
