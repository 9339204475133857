/**
 * A run's `kwargs` as clients see them (runs.create/get/list), in the official server's shape: the run's ids in
 * `config.configurable`, the run's metadata as `config.metadata`, `context` always an object, and the stream flags
 * as `subgraphs` / `resumable`, with `temporary` for a stateless run whose thread goes with it. Seen side by side
 * with @langchain/langgraph-api (bench/servers.ts) for the same requests.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client, Run } from "@langchain/langgraph-sdk";
import { localServer } from "../helpers/sdk.js";
import type { LocalSystem } from "../../lib/local/start.js";

let system: LocalSystem;
let client: Client;

beforeAll(async () => {
  ({ system, client } = await localServer());
}, 60_000);
afterAll(async () => {
  await system?.close();
});

const kwargsOf = (run: Run) => (run as Run & { kwargs: Record<string, unknown> }).kwargs;

/** What the official server stores for a run of `simple` created with no options but the input. */
function plainKwargs(run: Run, metadata: Record<string, unknown>) {
  return {
    input: {},
    config: {
      configurable: {
        "user-agent": expect.any(String),
        run_id: run.run_id,
        thread_id: run.thread_id,
        graph_id: "simple",
        assistant_id: run.assistant_id,
      },
      metadata,
    },
    context: {},
    stream_mode: ["values"],
    temporary: false,
    subgraphs: false,
    resumable: false,
  };
}

describe("a run's kwargs", () => {
  it("on a thread: the run's ids in configurable, its metadata in the config, as created, read and listed", async () => {
    const thread = await client.threads.create();
    const plain = await client.runs.create(thread.thread_id, "simple", { input: {} });
    const expected = plainKwargs(plain, {
      created_by: "system",
      graph_id: "simple",
      assistant_id: plain.assistant_id,
    });
    expect(kwargsOf(plain)).toEqual(expected);
    await client.runs.join(thread.thread_id, plain.run_id);

    const full = await client.runs.create(thread.thread_id, "simple", {
      input: {},
      streamMode: ["values", "updates"],
      streamSubgraphs: true,
      streamResumable: true,
      context: { factor: 3 },
      config: { configurable: { step: 2 }, tags: ["t"] },
      metadata: { source: "test" },
      interruptBefore: ["double"],
    });
    const expectedFull = {
      ...plainKwargs(full, {
        created_by: "system",
        graph_id: "simple",
        assistant_id: full.assistant_id,
        source: "test",
      }),
      stream_mode: ["values", "updates"],
      context: { factor: 3 },
      interrupt_before: ["double"],
      subgraphs: true,
      resumable: true,
    };
    expectedFull.config = { ...expectedFull.config, tags: ["t"] } as typeof expectedFull.config;
    expectedFull.config.configurable = { ...expectedFull.config.configurable, step: 2 } as never;
    expect(kwargsOf(full)).toEqual(expectedFull);
    await client.runs.join(thread.thread_id, full.run_id);

    expect(kwargsOf(await client.runs.get(thread.thread_id, plain.run_id))).toEqual(expected);
    const listed = await client.runs.list(thread.thread_id);
    expect(Object.fromEntries(listed.map((run) => [run.run_id, kwargsOf(run)]))).toEqual({
      [plain.run_id]: expected,
      [full.run_id]: expectedFull,
    });
  }, 60_000);

  it("stateless: temporary while its thread is deleted with it, not when kept", async () => {
    const temporary = await client.runs.create(null, "simple", { input: {} });
    expect(kwargsOf(temporary)).toEqual({ ...plainKwargs(temporary, { created_by: "system" }), temporary: true });

    const kept = await client.runs.create(null, "simple", { input: {}, onCompletion: "keep" as never });
    expect(kwargsOf(kept)).toEqual(plainKwargs(kept, { created_by: "system" }));
    await client.runs.join(kept.thread_id, kept.run_id);
    expect(kwargsOf(await client.runs.get(kept.thread_id, kept.run_id))).toEqual(
      plainKwargs(kept, { created_by: "system" }),
    );
  }, 60_000);

  it("from a checkpoint: the whole checkpoint in configurable; on a thread it creates: no thread metadata", async () => {
    const thread = await client.threads.create({ metadata: { owner: "t" } });
    await client.runs.wait(thread.thread_id, "simple", { input: {} });
    const [, earlier] = await client.threads.getHistory(thread.thread_id, { limit: 2 });
    const fromCheckpoint = await client.runs.create(thread.thread_id, "simple", {
      input: {},
      checkpoint: earlier.checkpoint,
    });
    const expected = plainKwargs(fromCheckpoint, {
      created_by: "system",
      owner: "t",
      graph_id: "simple",
      assistant_id: fromCheckpoint.assistant_id,
    });
    expected.config.configurable = { ...expected.config.configurable, ...earlier.checkpoint } as never;
    expect(kwargsOf(fromCheckpoint)).toEqual(expected);
    await client.runs.join(thread.thread_id, fromCheckpoint.run_id);

    const created = await client.runs.create(crypto.randomUUID(), "simple", { input: {}, ifNotExists: "create" });
    expect(created.metadata).toEqual({ created_by: "system" });
    expect(kwargsOf(created)).toEqual(plainKwargs(created, { created_by: "system" }));
    await client.runs.join(created.thread_id, created.run_id);
  }, 60_000);

  it("on a configured thread: the thread's configurable, not its other config keys", async () => {
    const thread = await client.threads.create();
    const config = { configurable: { step: 2 }, tags: ["first"], recursion_limit: 7 };
    await client.runs.wait(thread.thread_id, "simple", { input: {}, config });
    expect((await client.threads.get(thread.thread_id)).config).toMatchObject(config);
    const later = await client.runs.create(thread.thread_id, "simple", { input: {} });
    const expected = plainKwargs(later, { created_by: "system", graph_id: "simple", assistant_id: later.assistant_id });
    expected.config.configurable = { ...expected.config.configurable, step: 2 } as never;
    expect(kwargsOf(later)).toEqual(expected);
    await client.runs.join(thread.thread_id, later.run_id);
    expect((await client.threads.get(thread.thread_id)).config).toMatchObject(config);
  }, 60_000);
});
