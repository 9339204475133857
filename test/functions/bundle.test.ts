/**
 * The Lambda bundles as `cdk deploy` ships them (same esbuild settings: infra/bundling.ts): built, imported
 * fresh, configured only through the environment the stack sets, answering a function URL event.
 */
import { readFileSync } from "node:fs";
import { Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Context, LambdaFunctionURLEvent } from "aws-lambda";
import { buildFunctions } from "../../infra/build.js";
import { ENV } from "../../lib/config/env.js";
import { installAwslambdaGlobal } from "../../lib/local/streamify-shim.js";
import { tableNamesToEnv } from "../../lib/tables/definitions.js";
import { startTestDynamo, type TestDynamo } from "../helpers/dynamo.js";

let dynamo: TestDynamo;
let built: Awaited<ReturnType<typeof buildFunctions>>;
const saved = { ...process.env };

beforeAll(async () => {
  dynamo = await startTestDynamo();
  const tables = await dynamo.freshTables();
  // Inside the project, so the bundles' external @aws-sdk imports resolve as the Lambda runtime's would.
  built = await buildFunctions("langgraph.json", ".lambdagraph/test-bundle");
  Object.assign(process.env, tableNamesToEnv(tables), {
    [ENV.dynamoEndpoint]: dynamo.endpoint,
    [ENV.runQueueUrl]: "https://sqs.us-east-1.amazonaws.com/123456789012/lambdagraph-runs.fifo",
    [ENV.apiKey]: "bundle-test-key",
    AWS_REGION: "us-east-1",
  });
  installAwslambdaGlobal();
}, 120_000);
afterAll(async () => {
  process.env = saved;
  await dynamo.close();
});

class Captured extends Writable {
  chunks: Buffer[] = [];
  override _write(chunk: Buffer, _e: BufferEncoding, done: () => void) {
    this.chunks.push(Buffer.from(chunk));
    done();
  }
  text() {
    const all = Buffer.concat(this.chunks);
    const split = all.indexOf(Buffer.alloc(8));
    return { prelude: JSON.parse(all.subarray(0, split).toString()), body: all.subarray(split + 8).toString() };
  }
}

describe("the bundled functions", () => {
  it("are single files of a reasonable size", () => {
    for (const { bytes } of Object.values(built)) {
      expect(bytes).toBeGreaterThan(100_000);
      expect(bytes).toBeLessThan(10 * 1024 * 1024);
    }
  });

  it("serve the bundled graphs and store threads, configured by environment alone", async () => {
    const { handler } = (await import(pathToFileURL(built.api.file).href)) as {
      handler: (e: LambdaFunctionURLEvent, s: Writable, c: Context) => Promise<void>;
    };
    const sample: LambdaFunctionURLEvent = JSON.parse(readFileSync("test/events/function-url.json", "utf8"));
    const call = async (event: LambdaFunctionURLEvent) => {
      const out = new Captured();
      await handler(event, out, {} as Context);
      return out.text();
    };
    const refused = await call(sample); // the sample's x-api-key is a placeholder
    expect(refused.prelude.statusCode).toBe(401);

    const withKey = { ...sample, headers: { ...sample.headers, "x-api-key": "bundle-test-key" } };
    const created = await call(withKey);
    expect(created.prelude.statusCode).toBe(200);
    expect(JSON.parse(created.body).metadata).toEqual({ source: "sample-event" });

    const search = await call({ ...withKey, rawPath: "/assistants/search", body: "{}" });
    expect(
      JSON.parse(search.body)
        .map((a: { graph_id: string }) => a.graph_id)
        .sort(),
    ).toEqual(["agent", "memory", "nested", "simple"]);

    const worker = (await import(pathToFileURL(built.worker.file).href)) as { handler: unknown };
    expect(typeof worker.handler).toBe("function");
  }, 120_000); // the bundle's cold start (graphs loaded, assistants stored) took over 60 s on a loaded 2-core machine
});

describe("the API bundle of a project with http.app and ui", () => {
  it("serves the user's Hono app in front of the routes and the UI files shipped beside it; no /internal/truncate", async () => {
    const ext = await buildFunctions("test/compat/graphs/extensions/langgraph.json", ".lambdagraph/test-bundle-ext");
    const { handler } = (await import(pathToFileURL(ext.api.file).href)) as {
      handler: (e: LambdaFunctionURLEvent, s: Writable, c: Context) => Promise<void>;
    };
    const sample: LambdaFunctionURLEvent = JSON.parse(readFileSync("test/events/function-url.json", "utf8"));
    const call = async (method: string, rawPath: string, body?: string) => {
      const out = new Captured();
      const headers = { ...sample.headers, host: "abc.lambda-url.us-east-1.on.aws", "x-api-key": "bundle-test-key" };
      const event = {
        ...sample,
        headers,
        rawPath,
        rawQueryString: "",
        body,
        requestContext: { ...sample.requestContext, http: { ...sample.requestContext.http, method } },
      };
      await handler(event, out, {} as Context);
      return out.text();
    };
    const hello = await call("GET", "/custom/hello");
    expect(hello.prelude.statusCode).toBe(200);
    expect(JSON.parse(hello.body)).toEqual({ hello: "world" });
    expect((await call("GET", "/ok")).prelude.headers["x-ext-middleware"]).toBe("seen");

    const ui = await call("POST", "/ui/agent", JSON.stringify({ name: "weather" }));
    expect(ui.body).toContain('<script src="//abc.lambda-url.us-east-1.on.aws/ui/agent/entrypoint.js"');
    const js = await call("GET", "/ui/agent/entrypoint.js");
    expect(js.prelude.statusCode).toBe(200);
    expect(js.body).toContain("__LGUI_agent");

    expect((await call("POST", "/internal/truncate", "{}")).prelude.statusCode).toBe(404);
    expect(
      (await call("PUT", "/store/items", JSON.stringify({ namespace: ["a"], key: "k", value: {} }))).prelude.statusCode,
    ).toBe(404);
  }, 120_000);
});

describe("the API bundle of a project with custom auth", () => {
  it("authenticates every request, never trusts Studio's header, and hides another user's thread (404)", async () => {
    const { token } = await import("../auth/scenario.js");
    const bundle = await buildFunctions("test/auth/project/langgraph.json", ".lambdagraph/test-bundle-auth");
    const { handler } = (await import(pathToFileURL(bundle.api.file).href)) as {
      handler: (e: LambdaFunctionURLEvent, s: Writable, c: Context) => Promise<void>;
    };
    const sample: LambdaFunctionURLEvent = JSON.parse(readFileSync("test/events/function-url.json", "utf8"));
    const call = async (method: string, rawPath: string, auth: Record<string, string>, body?: string) => {
      const out = new Captured();
      const headers = { ...sample.headers, host: "abc.lambda-url.us-east-1.on.aws", "x-api-key": "bundle-test-key" };
      const event = {
        ...sample,
        headers: { ...headers, "content-type": "application/json", ...auth },
        rawPath,
        rawQueryString: "",
        body,
        requestContext: { ...sample.requestContext, http: { ...sample.requestContext.http, method } },
      };
      await handler(event, out, {} as Context);
      return out.text();
    };
    const as = async (sub: string) => ({ authorization: `Bearer ${await token(sub, "runs:write")}` });

    const anonymous = await call("POST", "/threads/search", {}, "{}");
    expect(anonymous.prelude.statusCode).toBe(401);
    expect(anonymous.body).toBe("Missing bearer token");
    expect((await call("POST", "/threads", { "x-auth-scheme": "langsmith" }, "{}")).prelude.statusCode).toBe(401);
    expect((await call("GET", "/ok", {})).prelude.statusCode).toBe(200);

    const created = await call("POST", "/threads", await as("alice"), "{}");
    expect(created.prelude.statusCode).toBe(200);
    const thread = JSON.parse(created.body) as { thread_id: string; metadata: unknown };
    expect(thread.metadata).toEqual({ owner: "alice" });
    expect((await call("GET", `/threads/${thread.thread_id}`, await as("alice"))).prelude.statusCode).toBe(200);
    expect((await call("GET", `/threads/${thread.thread_id}`, await as("bob"))).prelude.statusCode).toBe(404);
    const bobs = await call("POST", "/threads/search", await as("bob"), "{}");
    expect(JSON.parse(bobs.body)).toEqual([]);
  }, 120_000);
});
