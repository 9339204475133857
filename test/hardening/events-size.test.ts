/**
 * Events of any size (issue 13): a `values` event of 1.2 MB — a document in the graph's state, three times
 * DynamoDB's 400 KB item — streams live, replays whole from the event log (join after the run, Last-Event-ID, and
 * after a restart of an on-disk `npm start`), and a run whose events cannot be stored ends `error` saying so, with
 * the process still up (an unhandled rejection here fails the test file).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, describe, expect, it } from "vitest";
import { documentOf } from "./fixtures/document-graph.js";
import { tableNamesWithPrefix } from "../../lib/tables/definitions.js";
import { collect, localServer } from "../helpers/sdk.js";

const dir = mkdtempSync(join(tmpdir(), "lambdagraph-events-size-"));
const config = join(dir, "langgraph.json");
writeFileSync(
  config,
  JSON.stringify({ graphs: { document: `${resolve("test/hardening/fixtures/document-graph.ts")}:graph` } }),
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SIZE = 1_200_000;
type Part = { event: string; data: unknown; id?: string };
const docs = (parts: Part[]) => parts.filter((p) => p.event === "values").map((p) => (p.data as { doc?: string }).doc);

describe("events of any size", () => {
  it("streams a 1.2 MB values event live, and replays it whole after the run and after a restart", async () => {
    const dataDir = join(dir, "data");
    const expected = documentOf(SIZE);
    let { system, client } = await localServer({ config, dataDir });
    let threadId: string;
    let runId: string;
    try {
      const thread = await client.threads.create();
      threadId = thread.thread_id;
      const live = (await collect(
        client.runs.stream(threadId, "document", { input: { size: SIZE }, streamMode: "values" }),
      )) as Part[];
      runId = (live[0].data as { run_id: string }).run_id;
      expect(live.map((p) => p.event)).not.toContain("error");
      expect(docs(live).at(-1)).toBe(expected);
      expect((await client.runs.get(threadId, runId)).status).toBe("success");
      // Joined after the run (served from this process's memory of the run, or the log).
      expect(docs((await collect(client.runs.joinStream(threadId, runId))) as Part[]).at(-1)).toBe(expected);
    } finally {
      await system.close();
    }

    // A restart on the same data: nothing in memory, every event comes from the log.
    ({ system, client } = await localServer({ config, dataDir }));
    try {
      const replayed = (await collect(client.runs.joinStream(threadId, runId, { streamMode: "values" }))) as Part[];
      expect(docs(replayed).at(-1)).toBe(expected);
      // Last-Event-ID after the metadata event (id 0): the rest, the large event whole.
      const after = (await collect(client.runs.joinStream(threadId, runId, { lastEventId: "0" }))) as Part[];
      expect(after.map((p) => p.event)).not.toContain("metadata");
      expect(docs(after).at(-1)).toBe(expected);
      expect(((await client.threads.getState(threadId)).values as { doc: string }).doc).toBe(expected);
    } finally {
      await system.close();
    }
  });

  it("ends a run whose events cannot be stored with `error` naming the cause; the server keeps serving", async () => {
    const { system, client } = await localServer({ config });
    try {
      const thread = await client.threads.create();
      const run = await client.runs.create(thread.thread_id, "document", {
        input: { size: 10, ticks: 40, delay_ms: 50 },
        config: { recursion_limit: 100 },
      });
      // The event log's table goes away under the running run: its next writes fail.
      await system.platform.client.send(
        new DeleteTableCommand({ TableName: tableNamesWithPrefix("lambdagraph").events }),
      );
      const parts = (await collect(client.runs.joinStream(thread.thread_id, run.run_id))) as Part[];
      const error = parts.find((p) => p.event === "error");
      expect((error?.data as { message?: string } | undefined)?.message).toMatch(
        /Could not store the stream events of run/,
      );
      const finished = await client.runs.get(thread.thread_id, run.run_id);
      expect(finished.status).toBe("error");
      // Still up: it answers, and the thread takes the next run.
      expect((await fetch(`${system.url}/ok`)).status).toBe(200);
      expect((await client.threads.get(thread.thread_id)).status).not.toBe("busy");
    } finally {
      await system.close();
    }
  });
});
