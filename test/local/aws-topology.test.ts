/**
 * `npm start -- --topology aws`: the API function and the worker function in processes of their own, sharing only
 * the embedded DynamoDB and an SQS FIFO emulator, configured by the stack's environment. Driven through the SDK: a
 * run created by the API process is executed by the worker process, streamed, joined and cancelled across them; a
 * streamed or waited run executes in the API function itself (foreground runs, lib/runs/foreground.ts).
 */
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAwsTopology, type AwsTopology } from "../../lib/local/aws-topology.js";
import { collect, human, runReaches, until } from "../helpers/sdk.js";

let system: AwsTopology;
let client: Client;

beforeAll(async () => {
  system = await startAwsTopology({ config: "test/local/fixtures/langgraph.json", port: 0, host: "127.0.0.1" });
  client = new Client({ apiUrl: system.url });
}, 120_000);
afterAll(() => system?.close(), 120_000);

type Part = { event: string; data: any };
const lastMessage = (values: any) => values.messages[values.messages.length - 1];

describe("npm start -- --topology aws", () => {
  it("a background run is executed by the worker process; the API process answers its join", async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "agent", { input: human("background") });
    const values = (await client.runs.join(thread.thread_id, run.run_id)) as any;
    expect(lastMessage(values).content).toBe("You said: background");
    expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe("success");
    expect((await client.threads.get(thread.thread_id)).status).toBe("idle");
  });

  it("a streamed run streams its tokens and values through the API process", async () => {
    const thread = await client.threads.create();
    const parts = (await collect(
      client.runs.stream(thread.thread_id, "agent", {
        input: human("streamed"),
        streamMode: ["messages-tuple", "values"],
      }),
    )) as Part[];
    expect(parts[0].event).toBe("metadata");
    const tokens = parts.filter((p) => p.event === "messages").map((p) => p.data[0].content);
    expect(tokens.join("")).toContain("You said: streamed");
    expect(lastMessage(parts.filter((p) => p.event === "values").at(-1)!.data).content).toBe("You said: streamed");
  });

  it("a cancel served by the API process stops the run running in the worker process", async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "agent", {
      input: human(`slow ${"word ".repeat(100)}`), // 50 ms a token: about 30 s if nothing stops it
    });
    await runReaches(client, thread.thread_id, run.run_id, ["running"]);
    await client.runs.cancel(thread.thread_id, run.run_id, true);
    expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe("interrupted");
    expect((await client.threads.get(thread.thread_id)).status).toBe("idle");
  });

  it("a client joining a running run's stream gets its events to the end", async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "agent", {
      input: human("slow join"),
      streamMode: ["messages-tuple", "values"],
    });
    await runReaches(client, thread.thread_id, run.run_id, ["running"]);
    const parts = (await collect(client.runs.joinStream(thread.thread_id, run.run_id))) as Part[];
    const finalValues = parts.filter((p) => p.event === "values").at(-1)!.data;
    expect(lastMessage(finalValues).content).toBe("You said: slow join");
    expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe("success");
  });

  it("a streamed or waited run executes in the API function that holds the connection; a background run in the worker", async () => {
    const thread = await client.threads.create();
    const streamed = (await collect(
      client.runs.stream(thread.thread_id, "where", { input: {}, streamMode: ["values"] }),
    )) as Part[];
    expect(streamed.at(-1)!.data).toEqual({ ranIn: "lambdagraph-api" });
    expect(await client.runs.wait(thread.thread_id, "where", { input: {} })).toEqual({ ranIn: "lambdagraph-api" });
    expect(await client.runs.wait(null, "where", { input: {} })).toEqual({ ranIn: "lambdagraph-api" });
    const background = await client.runs.create(thread.thread_id, "where", { input: {} });
    expect(await client.runs.join(thread.thread_id, background.run_id)).toEqual({ ranIn: "lambdagraph-worker" });
  });

  it("a foreground run is cancelled and joined by other requests while it streams", async () => {
    const thread = await client.threads.create();
    const parts: Part[] = [];
    const streaming = (async () => {
      for await (const part of client.runs.stream(thread.thread_id, "agent", {
        input: human(`slow ${"word ".repeat(100)}`),
        streamMode: ["messages-tuple"],
      }))
        parts.push(part as Part);
    })();
    await until(() => parts.some((p) => p.event === "messages"), "the first token");
    const runId = (parts[0].data as { run_id: string }).run_id;
    const joined = collect(client.runs.joinStream(thread.thread_id, runId));
    await client.runs.cancel(thread.thread_id, runId, true);
    await streaming;
    expect((await client.runs.get(thread.thread_id, runId)).status).toBe("interrupted");
    expect((await joined).length).toBeGreaterThan(0);
    expect((await client.threads.get(thread.thread_id)).status).toBe("idle");
  });

  it("a foreground run continues its thread from the latest checkpoint, or from the checkpoint it names", async () => {
    const thread = await client.threads.create();
    const contents = (values: any) => values.messages.map((m: { content: string }) => m.content);
    await client.runs.wait(thread.thread_id, "agent", { input: human("one") });
    const [afterOne] = await client.threads.getHistory(thread.thread_id, { limit: 1 });
    const streamed = (await collect(
      client.runs.stream(thread.thread_id, "agent", { input: human("two"), streamMode: ["values"] }),
    )) as Part[];
    expect(contents(streamed.at(-1)!.data)).toEqual(["one", "You said: one", "two", "You said: two"]);
    const forked = await client.runs.wait(thread.thread_id, "agent", {
      input: human("three"),
      checkpointId: afterOne.checkpoint.checkpoint_id!,
    });
    expect(contents(forked)).toEqual(["one", "You said: one", "three", "You said: three"]);
  });
});
