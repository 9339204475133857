/**
 * A protocol run whose graph has stream transformers, handed back mid-run (its Lambda invocation about to end) and
 * finished by another process: the second worker rebuilds the transformers' state from the events stored so far,
 * so what clients read from the log — the named channel's pushes, each once, and the final values over the whole
 * run — is what an uninterrupted run gives (test/compat/stream-transformers.test.ts).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadGraphs, type GraphRegistry } from "../../lib/graphs/registry.js";
import { createPlatform, type Platform } from "../../lib/platform.js";
import { handleCommand } from "../../lib/protocol/commands.js";
import { converterFor } from "../../lib/protocol/stream.js";
import type { RunMessage } from "../../lib/runs/queue.js";
import { executeRun } from "../../lib/runs/worker.js";
import { ensureDefaultAssistants } from "../../lib/services/assistants.js";
import type { TableNames } from "../../lib/tables/definitions.js";
import { startTestDynamo, type TestDynamo } from "../helpers/dynamo.js";
import { RecordingQueue } from "../helpers/recording-queue.js";

let dynamo: TestDynamo;
let tables: TableNames;
let graphs: GraphRegistry;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  tables = await dynamo.freshTables();
  graphs = await loadGraphs("test/compat/graphs/transformers/langgraph.json");
}, 60_000);
afterAll(async () => dynamo?.close());

/** A process of its own: its own DynamoDB client, event hub and checkpointer memory. */
function processWith(queue: RecordingQueue): Platform {
  return createPlatform({ client: dynamo.newClient(), tables, graphs, queue });
}

it("gives the same transformer output when another process finishes the run", async () => {
  const queue = new RecordingQueue();
  const first = processWith(queue);
  await ensureDefaultAssistants(first);
  const threadId = randomUUID();
  const started = await handleCommand(first, threadId, {
    id: 1,
    method: "run.start",
    params: { assistant_id: "stats", input: { messages: [{ type: "human", content: "weather in SF?" }] } },
  });
  if (started.type !== "success") throw new Error(started.message);
  const runId = started.result.run_id as string;

  // The first invocation runs out of time once the model's first step is stored: it hands back at the next step.
  let late = false;
  const writer = first.events.writer.bind(first.events);
  first.events.writer = async (...args) => {
    const w = await writer(...args);
    const append = w.append.bind(w);
    w.append = (event, data) => {
      if (event === "updates") late = true;
      return append(event, data);
    };
    return w;
  };
  const message = queue.sent.at(-1) as RunMessage;
  expect(await executeRun(first, message, { remainingMs: () => (late ? 60_000 : 900_000) })).toBe("handed-back");

  const second = processWith(queue);
  expect(await executeRun(second, queue.sent.at(-1) as RunMessage, { remainingMs: () => 900_000 })).toBe("finished");

  // A reader in a third process converts the stored events.
  const reader = processWith(new RecordingQueue());
  const run = (await reader.runs.get(threadId, runId))!;
  expect(run.attempt).toBe(2);
  const converter = converterFor(run, 0);
  const custom: [string, unknown][] = [];
  for (const event of await reader.events.read(runId, -1))
    for (const e of converter.convert(event, event.event === "end" ? run.status : undefined))
      if (e.method === "custom") {
        const data = e.params.data as { name: string; payload: unknown };
        custom.push([data.name, data.payload]);
      }
  expect(custom).toEqual([
    ["progress", { node: "model" }],
    ["progress", { node: "tools" }],
    ["progress", { node: "model" }],
    ["toolCallCount", 1],
    ["totalTokens", 10],
    ["nodes", ["model", "tools", "model"]], // the first attempt's node included
  ]);
});
