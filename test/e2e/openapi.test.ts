/**
 * GET /openapi.json and GET /docs describe every route, from the same zod schemas the handlers validate with:
 * a body the document says is missing a required field is one the server refuses with 422.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@langchain/langgraph-sdk";
import { routes } from "../../lib/api/routes.js";
import type { LocalSystem } from "../../lib/local/start.js";
import { localServer } from "../helpers/sdk.js";

let system: LocalSystem;
let client: Client;
let doc: any;

beforeAll(async () => {
  ({ system, client } = await localServer());
  const response = await fetch(`${system.url}/openapi.json`);
  expect(response.headers.get("content-type")).toContain("application/json");
  doc = await response.json();
});
afterAll(() => system?.close());

const openApiPath = (path: string) => path.replace(/:(\w+)/g, "{$1}");

describe("GET /openapi.json", () => {
  it("lists every route of the server, each with a unique operation id and its path parameters", () => {
    expect(doc.openapi).toBe("3.1.0");
    const ids = new Set<string>();
    for (const route of routes) {
      const op = doc.paths[openApiPath(route.path)]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(ids.has(op.operationId)).toBe(false);
      ids.add(op.operationId);
      const pathParams = op.parameters
        .filter((p: { in: string }) => p.in === "path")
        .map((p: { name: string }) => p.name);
      expect(pathParams).toEqual([...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]));
    }
    const documented = Object.values(doc.paths).reduce((n: number, methods: any) => n + Object.keys(methods).length, 0);
    expect(documented).toBe(routes.length);
  });

  it("describes request bodies and query strings field by field", () => {
    const createRun = doc.paths["/threads/{thread_id}/runs/stream"].post;
    const body = createRun.requestBody.content["application/json"].schema;
    expect(body.required).toEqual(["assistant_id"]);
    expect(body.properties.stream_mode).toBeDefined();
    expect(JSON.stringify(body.properties.multitask_strategy)).toContain("enqueue");
    expect(createRun.responses["200"].content["text/event-stream"]).toBeDefined();
    const listRuns = doc.paths["/threads/{thread_id}/runs"].get;
    expect(listRuns.parameters.find((p: { name: string }) => p.name === "status").schema.enum).toContain("interrupted");
    expect(doc.paths["/store/items"].put.requestBody.content["application/json"].schema.required).toEqual([
      "namespace",
      "key",
      "value",
    ]);
  });

  it("is the schema the server enforces: a body without a documented required field answers 422 naming it", async () => {
    const thread = await client.threads.create();
    const assistant = await client.assistants.create({ graphId: "simple" });
    const cron = await client.crons.create("simple", { schedule: "0 0 1 1 *" });
    const run = await client.runs.create(thread.thread_id, "simple", { input: {} });
    const ids: Record<string, string> = {
      thread_id: thread.thread_id,
      assistant_id: assistant.assistant_id,
      cron_id: cron.cron_id,
      run_id: run.run_id,
    };
    let checked = 0;
    for (const route of routes) {
      const schema =
        doc.paths[openApiPath(route.path)][route.method.toLowerCase()].requestBody?.content["application/json"].schema;
      const required: string[] = schema?.required ?? [];
      if (required.length === 0 || /:(checkpoint_id|namespace)/.test(route.path)) continue;
      const url = system.url + route.path.replace(/:(\w+)/g, (_m, name: string) => ids[name]);
      const response = await fetch(url, {
        method: route.method,
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(response.status, `${route.method} ${route.path}`).toBe(422);
      const loc = ((await response.json()) as any).detail.flatMap((d: { loc: string[] }) => d.loc);
      expect(loc, `${route.method} ${route.path}`).toContain(required[0]);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });
});

describe("GET /docs", () => {
  it("is a page listing every operation", async () => {
    const response = await fetch(`${system.url}/docs`);
    expect(response.headers.get("content-type")).toContain("text/html");
    const html = await response.text();
    for (const route of routes) expect(html).toContain(`<code>${openApiPath(route.path)}</code>`);
    expect(html).toContain("openapi.json");
  });
});
