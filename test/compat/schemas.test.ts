/**
 * GET /assistants/{id}/schemas and /subgraphs answer what the official server answers for the same graphs:
 * Annotation state (read from the TypeScript types), StateSchema, zod with LangGraph's registry
 * (`langgraph_type: "messages"` from jsonSchemaExtra) and plain zod. The expected bodies in
 * graphs/loading/official-schemas.json were recorded from the official server (bench/official-server.ts on
 * graphs/loading/langgraph.json). Under npm start and in the Lambda bundle, which ships the Annotation schemas
 * computed at build time.
 */
import { readFileSync } from "node:fs";
import { Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import type { Client } from "@langchain/langgraph-sdk";
import type { Context, LambdaFunctionURLEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildFunctions } from "../../infra/build.js";
import { ENV } from "../../lib/config/env.js";
import type { LocalSystem } from "../../lib/local/start.js";
import { installAwslambdaGlobal } from "../../lib/local/streamify-shim.js";
import { tableNamesToEnv } from "../../lib/tables/definitions.js";
import { startTestDynamo, type TestDynamo } from "../helpers/dynamo.js";
import { localServer } from "../helpers/sdk.js";

const CONFIG = "test/compat/graphs/loading/langgraph.json";
const official = JSON.parse(readFileSync("test/compat/graphs/loading/official-schemas.json", "utf8")) as Record<
  string,
  unknown
>;
const GRAPHS = ["annotated", "state_schema", "zod_registry", "plain_zod", "promised", "factory", "logging"];

describe("schemas under npm start", () => {
  let system: LocalSystem;
  let client: Client;
  beforeAll(async () => {
    vi.spyOn(console, "warn").mockImplementation(() => undefined); // the fixture's ignored keys
    ({ system, client } = await localServer({ config: CONFIG }));
  }, 120_000);
  afterAll(async () => {
    vi.restoreAllMocks();
    await system?.close();
  });

  // Annotation graphs wait for the TypeScript checker on first use (seconds; then cached under .lambdagraph/cache).
  it(
    "answers the official schemas for Annotation, StateSchema, zod-registry and plain-zod graphs",
    { timeout: 240_000 },
    async () => {
      for (const graphId of GRAPHS) {
        expect([graphId, await client.assistants.getSchemas(graphId)]).toEqual([
          graphId,
          official[`${graphId}.schemas`],
        ]);
      }
    },
  );

  it("answers the official subgraph schemas", { timeout: 240_000 }, async () => {
    for (const graphId of GRAPHS) {
      expect([graphId, await client.assistants.getSubgraphs(graphId, { recurse: true })]).toEqual([
        graphId,
        official[`${graphId}.subgraphs`],
      ]);
    }
    expect(await client.assistants.getSubgraphs("annotated", { namespace: "drafter" })).toEqual(
      official["annotated.subgraphs"],
    );
  });

  // langchain v1 made the message classes generic; the official suite expects them named bare, BaseMessage one of
  // every message class (as under langchain v0), where the released extractor kept RemoveMessage alone.
  it(
    "names message classes without type arguments: BaseMessage is one of every message class",
    { timeout: 240_000 },
    async () => {
      const { state_schema } = await client.assistants.getSchemas("messages");
      const classes = [
        "AIMessage",
        "BaseMessageChunk",
        "ChatMessage",
        "FunctionMessage",
        "HumanMessage",
        "RemoveMessage",
        "SystemMessage",
        "ToolMessage",
      ];
      expect(state_schema).toMatchObject({
        type: "object",
        properties: { messages: { type: "array", items: { $ref: "#/definitions/BaseMessage" } } },
        definitions: {
          BaseMessage: {
            description: expect.stringContaining("Base class for all types of messages"),
            oneOf: expect.arrayContaining(classes.map((name) => ({ $ref: `#/definitions/${name}` }))),
          },
          AIMessage: { type: "object", properties: { type: { const: "ai" } } },
          HumanMessage: { type: "object", properties: { type: { const: "human" } } },
        },
      });
      // Every class BaseMessage may be is described (no reference left dangling).
      const { definitions } = state_schema as { definitions: Record<string, { oneOf?: { $ref: string }[] }> };
      const members = definitions.BaseMessage.oneOf!.map(({ $ref }) => $ref.slice("#/definitions/".length));
      expect(members.filter((name) => !definitions[name])).toEqual([]);
    },
  );

  it("marks messages fields with langgraph_type for clients that render chats", async () => {
    const zod = await client.assistants.getSchemas("zod_registry");
    expect((zod.input_schema as { properties: Record<string, unknown> }).properties.messages).toMatchObject({
      langgraph_type: "messages",
    });
    const stateSchema = await client.assistants.getSchemas("state_schema");
    expect((stateSchema.state_schema as { properties: Record<string, unknown> }).properties.messages).toMatchObject({
      langgraph_type: "messages",
    });
  });
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
    return {
      prelude: JSON.parse(all.subarray(0, split).toString()) as { statusCode: number },
      body: all.subarray(split + 8).toString(),
    };
  }
}

describe("schemas in the Lambda bundle", () => {
  let dynamo: TestDynamo;
  const saved = { ...process.env };
  beforeAll(async () => {
    dynamo = await startTestDynamo();
    Object.assign(process.env, tableNamesToEnv(await dynamo.freshTables()), {
      [ENV.dynamoEndpoint]: dynamo.endpoint,
      [ENV.runQueueUrl]: "https://sqs.us-east-1.amazonaws.com/123456789012/lambdagraph-runs.fifo",
      [ENV.apiKey]: "schemas-test-key",
      AWS_REGION: "us-east-1",
    });
    installAwslambdaGlobal();
  }, 120_000);
  afterAll(async () => {
    process.env = saved;
    await dynamo.close();
  });

  it(
    "ships the schemas computed at build time, and loads a graph that calls getLogger() at top level",
    { timeout: 300_000 },
    async () => {
      vi.spyOn(console, "warn").mockImplementation(() => undefined);
      const built = await buildFunctions(CONFIG, ".lambdagraph/test-bundle-schemas");
      vi.restoreAllMocks();
      // The function's environment has no LANGGRAPH_CONFIG: the defaults come from the build (langgraph.json `env`).
      delete process.env.LANGGRAPH_CONFIG;
      const { handler } = (await import(pathToFileURL(built.api.file).href)) as {
        handler: (e: LambdaFunctionURLEvent, s: Writable, c: Context) => Promise<void>;
      };
      const sample: LambdaFunctionURLEvent = JSON.parse(readFileSync("test/events/function-url.json", "utf8"));
      const get = async (rawPath: string) => {
        const out = new Captured();
        const event = {
          ...sample,
          headers: { ...sample.headers, "x-api-key": "schemas-test-key" },
          rawPath,
          rawQueryString: "",
          body: undefined,
          requestContext: {
            ...sample.requestContext,
            http: { ...sample.requestContext.http, method: "GET", path: rawPath },
          },
        };
        await handler(event, out, {} as Context);
        const { prelude, body } = out.text();
        expect([rawPath, prelude.statusCode]).toEqual([rawPath, 200]);
        return JSON.parse(body) as unknown;
      };
      for (const graphId of ["annotated", "state_schema", "zod_registry", "logging"]) {
        expect([graphId, await get(`/assistants/${graphId}/schemas`)]).toEqual([
          graphId,
          official[`${graphId}.schemas`],
        ]);
      }
      expect(await get("/assistants/annotated/subgraphs")).toEqual(official["annotated.subgraphs"]);
      expect(await get("/assistants/factory")).toMatchObject({
        config: { configurable: { nodeName: "from_env" } },
        context: { tone: "dry" },
      });
    },
  );
});
