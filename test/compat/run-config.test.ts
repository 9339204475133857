/**
 * What a run takes from the request that creates it, and what no route serves, as the official server does it:
 * - the request's `x-*` headers (not x-api-key, x-tenant-id, x-service-key) and `user-agent` go into the run's
 *   `config.configurable`, over body keys of the same name, for every way of creating a run;
 * - a `webhook` given as a path is a route of this server (here, the langgraph.json http.app's);
 * - an unknown path, or a method no route has at a known path, is a 404 with the text `404 Not Found`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client, type Run } from "@langchain/langgraph-sdk";
import { collect, httpStatus, localServer, until } from "../helpers/sdk.js";
import type { LocalSystem } from "../../lib/local/start.js";

const CONFIG = "test/compat/graphs/runconfig/langgraph.json";
let system: LocalSystem;
let url: string;
let client: Client;

beforeAll(async () => {
  ({ system } = await localServer({ config: CONFIG }));
  url = system.url;
  client = new Client({
    apiUrl: url,
    defaultHeaders: {
      "x-trace-label": "from-header",
      "X-Team": "blue",
      "x-api-key": "not-for-the-graph",
      "x-tenant-id": "not-for-the-graph",
      "x-service-key": "not-for-the-graph",
      authorization: "Bearer not-for-the-graph",
      "user-agent": "runconfig-test/1.0",
    },
  });
}, 60_000);
afterAll(async () => {
  await system?.close();
});

const COPIED = { "x-trace-label": "from-header", "x-team": "blue", "user-agent": "runconfig-test/1.0" };
const BODY = { input: {}, config: { configurable: { "x-trace-label": "from-body", body_key: "kept" } } };
const EXPECTED = { fromHeaders: COPIED, fromBody: "kept" };

describe("request headers in the run's configurable", () => {
  it("are copied for runs waited on, streamed and in the background, on a thread or stateless", async () => {
    const thread = await client.threads.create();
    expect(await client.runs.wait(thread.thread_id, "echo", BODY)).toEqual(EXPECTED);
    expect(await client.runs.wait(null, "echo", BODY)).toEqual(EXPECTED);

    const lastValues = async (stream: AsyncIterable<{ event: string; data: unknown }>) =>
      (await collect(stream)).filter((part) => part.event === "values").at(-1)?.data;
    expect(await lastValues(client.runs.stream(thread.thread_id, "echo", { ...BODY, streamMode: "values" }))).toEqual(
      EXPECTED,
    );
    expect(await lastValues(client.runs.stream(null, "echo", { ...BODY, streamMode: "values" }))).toEqual(EXPECTED);

    const background = await client.runs.create(thread.thread_id, "echo", BODY);
    expect(await client.runs.join(thread.thread_id, background.run_id)).toEqual(EXPECTED);
    // The run keeps them in its config, as the official server's run does.
    const stored = (await client.runs.get(thread.thread_id, background.run_id)) as Run & {
      kwargs: { config: { configurable: object } };
    };
    expect(stored.kwargs.config.configurable).toMatchObject({ ...COPIED, body_key: "kept" });
    expect(Object.keys(stored.kwargs.config.configurable)).not.toContain("x-api-key");
  }, 60_000);

  it("are copied for each run of a batch", async () => {
    const batch = (await client.runs.createBatch([
      { assistantId: "echo", ...BODY, on_completion: "keep" },
      { assistantId: "echo", ...BODY, on_completion: "keep" },
    ] as never)) as Run[];
    expect(batch).toHaveLength(2);
    for (const run of batch) expect(await client.runs.join(run.thread_id, run.run_id)).toEqual(EXPECTED);
  }, 60_000);
});

describe("a webhook given as a path", () => {
  const received = async (runId: string) =>
    (await (await fetch(`${url}/hooks/received/${runId}`)).json()) as {
      payload: Record<string, unknown>;
      contentType: string;
    } | null;

  it("is accepted and posted to this server's own route when the run ends", async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "echo", { ...BODY, webhook: "/hooks/run-finished" });
    await client.runs.join(thread.thread_id, run.run_id);
    await until(async () => (await received(run.run_id)) !== null, "the webhook call");
    const call = (await received(run.run_id))!;
    expect(call.contentType).toBe("application/json");
    expect(call.payload).toMatchObject({
      run_id: run.run_id,
      thread_id: thread.thread_id,
      status: "success",
      values: EXPECTED,
    });
    expect(call.payload.webhook_sent_at).toEqual(expect.any(String));
    // When this attempt ran, as the official payload says it.
    const { run_started_at: started, run_ended_at: ended } = call.payload as {
      run_started_at: string;
      run_ended_at: string;
    };
    expect(Date.parse(started)).toBeLessThanOrEqual(Date.parse(ended));
    expect(Date.parse(ended)).toBeLessThanOrEqual(Date.parse(call.payload.webhook_sent_at as string));
    expect(call.payload).not.toHaveProperty("error");

    // A stateless run's too (its thread is gone by the time it is posted).
    let created: { run_id: string } | undefined;
    await client.runs.wait(null, "echo", {
      ...BODY,
      webhook: "/hooks/run-finished",
      onRunCreated: (meta) => (created = meta),
    });
    await until(
      async () => created !== undefined && (await received(created.run_id)) !== null,
      "the stateless run's webhook call",
    );
    expect((await received(created!.run_id))!.payload).toMatchObject({ status: "success", values: EXPECTED });
  }, 60_000);

  it("carries the error's message when the run failed", async () => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "fails", {
      input: { topic: "x" },
      webhook: "/hooks/run-finished",
    });
    await client.runs.join(thread.thread_id, run.run_id);
    await until(async () => (await received(run.run_id)) !== null, "the webhook call");
    expect((await received(run.run_id))!.payload).toMatchObject({
      run_id: run.run_id,
      status: "error",
      error: "the fuse was short",
    });
  }, 60_000);

  it("may not lead off this server: //host and /\\host are refused", async () => {
    const thread = await client.threads.create();
    for (const webhook of ["//example.com/hook", "/\\example.com/hook"]) {
      expect(await httpStatus(client.runs.create(thread.thread_id, "echo", { ...BODY, webhook }))).toBe(422);
    }
    // A path is accepted (it was refused as "not an absolute URL" before).
    expect(
      await httpStatus(client.runs.wait(thread.thread_id, "echo", { ...BODY, webhook: "/hooks/run-finished" })),
    ).toBe(200);
  }, 60_000);
});

describe("what no route serves", () => {
  it("is a 404 with the text `404 Not Found`, an unknown path or a method the path has no route for", async () => {
    for (const [method, path] of [
      ["GET", "/does/not/exist"],
      ["POST", "/nope"],
      ["DELETE", "/info"],
      ["PUT", "/threads"],
      ["PATCH", "/runs/wait"],
      ["GET", "/threads"],
    ]) {
      const res = await fetch(`${url}${path}`, { method, body: method === "GET" ? undefined : "{}" });
      expect({
        method,
        path,
        status: res.status,
        type: res.headers.get("content-type"),
        text: await res.text(),
      }).toEqual({
        method,
        path,
        status: 404,
        type: "text/plain; charset=UTF-8",
        text: "404 Not Found",
      });
    }
  });

  it("but HEAD on a GET route is served (without a body)", async () => {
    const res = await fetch(`${url}/info`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.text()).toBe("");
  });
});

describe("run metadata a graph sees", () => {
  it("holds the assistant's metadata under the run's, and the server's own keys, as the official server's", async () => {
    const out = (await client.runs.wait(null, "meta", { input: {}, metadata: { team: "red" } })) as {
      seen: Record<string, unknown>;
    };
    expect(out.seen).toEqual({
      created_by: "system",
      langgraph_plan: "developer",
      langgraph_host: "self-hosted",
      langgraph_version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      run_attempt: 1,
      team: "red",
    });
  });
});

describe("a thread's config", () => {
  it("is what its runs were configured with, and a later run without that config still gets it, as the official server's", async () => {
    const thread = await client.threads.create();
    expect(thread.config).toEqual({});
    const first = await client.runs.wait(thread.thread_id, "echo", {
      input: {},
      config: { configurable: { body_key: "sticky" }, tags: ["t1"], recursion_limit: 7 },
    });
    expect(first).toMatchObject({ fromBody: "sticky" });
    expect((await client.threads.get(thread.thread_id)).config).toEqual({
      tags: ["t1"],
      recursion_limit: 7,
      configurable: expect.objectContaining({ body_key: "sticky", "user-agent": "runconfig-test/1.0" }),
    });
    expect(await client.runs.wait(thread.thread_id, "echo", { input: {} })).toMatchObject({ fromBody: "sticky" });
    expect(
      await client.runs.wait(thread.thread_id, "echo", { input: {}, config: { configurable: { body_key: "new" } } }),
    ).toMatchObject({ fromBody: "new" });
    expect((await client.threads.get(thread.thread_id)).config).toMatchObject({ configurable: { body_key: "new" } });
  });
});

describe("a run's metadata", () => {
  it("is the assistant's, the thread's (with its graph and assistant) and the run's own, as the official server's", async () => {
    const thread = await client.threads.create({ metadata: { owner: "ann" } });
    const run = await client.runs.create(thread.thread_id, "echo", { input: {}, metadata: { tag: "x" } });
    await client.runs.join(thread.thread_id, run.run_id);
    expect((await client.runs.get(thread.thread_id, run.run_id)).metadata).toEqual({
      created_by: "system",
      owner: "ann",
      graph_id: "echo",
      assistant_id: expect.any(String),
      tag: "x",
    });
    // The SDK types onCompletion as "complete" | "continue" but sends it as on_completion, whose values are delete|keep.
    const keep = "keep" as unknown as "complete";
    const stateless = await client.runs.create(null, "echo", { input: {}, metadata: { tag: "y" }, onCompletion: keep });
    await client.runs.join(stateless.thread_id, stateless.run_id);
    expect((await client.runs.get(stateless.thread_id, stateless.run_id)).metadata).toEqual({
      created_by: "system",
      tag: "y",
    });
  });
});
