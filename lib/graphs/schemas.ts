/**
 * A graph's JSON schemas (input, output, state, config) as the official server computes them, in the same order
 * of preference: a `StateSchema` state describes itself; zod state registered with LangGraph's schema registry
 * (`withLangGraph`, `MessagesZodMeta`, `jsonSchemaExtra`) is read through that registry; plain zod is converted
 * directly. `Annotation` state has no runtime types: its schemas come from the TypeScript types of the graph's
 * source (static-schemas.ts), which this module only looks up.
 *
 * The same library calls as `@langchain/langgraph-api`'s runtime extractor, written here so the Lambda bundles
 * need nothing from that package (its static extractor would pull the TypeScript compiler in).
 */
import { toJsonSchema } from "@langchain/core/utils/json_schema";
import { isZodSchemaV3, isZodSchemaV4 } from "@langchain/core/utils/types";
import {
  getConfigTypeSchema,
  getInputTypeSchema,
  getOutputTypeSchema,
  getUpdateTypeSchema,
} from "@langchain/langgraph/zod/schema";

export interface GraphSchema {
  state?: unknown;
  input?: unknown;
  output?: unknown;
  config?: unknown;
}

/** Static schemas of one graph file, keyed `root` and `root|<subgraph namespace>` (the official extractor's keys). */
export type StaticSchemas = Record<string, GraphSchema>;

interface Builder {
  _schemaRuntimeDefinition?: unknown;
  _inputRuntimeDefinition?: unknown;
  _outputRuntimeDefinition?: unknown;
  _configRuntimeSchema?: unknown;
}

/** The schemas readable from the graph object itself, or undefined when only its TypeScript types have them. */
export function runtimeSchemaOf(graph: unknown): GraphSchema | undefined {
  const builder = (graph as { builder?: Builder }).builder;
  if (!builder) return undefined;
  return fromStateSchema(builder) ?? fromZodRegistry(graph) ?? fromPlainZod(builder);
}

/** The schemas of the graph at `namespace` ("" for the root) out of its file's static schemas. */
export function staticSchemaOf(schemas: StaticSchemas, namespace = ""): GraphSchema | undefined {
  const root = Object.keys(schemas).find((key) => !key.includes("|"));
  if (!root) return undefined;
  return (namespace && schemas[`${root}|${namespace}`]) || schemas[root];
}

/** The body of GET /assistants/{id}/schemas (context_schema repeats config_schema, as on the official server). */
export function schemasBody(graphId: string, schema: GraphSchema): Record<string, unknown> {
  return {
    graph_id: graphId,
    input_schema: schema.input,
    output_schema: schema.output,
    state_schema: schema.state,
    config_schema: schema.config,
    context_schema: schema.config,
  };
}

interface StateSchemaLike {
  getJsonSchema(): unknown;
  getInputJsonSchema(): unknown;
}

const isStateSchema = (value: unknown): value is StateSchemaLike =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as StateSchemaLike).getJsonSchema === "function" &&
  typeof (value as StateSchemaLike).getInputJsonSchema === "function";

/** Marks an input that is the state schema, every field optional. */
const PARTIAL_STATE = Symbol.for("langgraph.state.partial");

function fromStateSchema(builder: Builder): GraphSchema | undefined {
  const { _schemaRuntimeDefinition: state, _inputRuntimeDefinition: input, _outputRuntimeDefinition: output } = builder;
  if (!isStateSchema(state) && !isStateSchema(input) && !isStateSchema(output)) return undefined;
  const result: GraphSchema = {
    state: isStateSchema(state) ? state.getJsonSchema() : undefined,
    input: isStateSchema(input)
      ? input.getInputJsonSchema()
      : input === PARTIAL_STATE && isStateSchema(state)
        ? state.getInputJsonSchema()
        : undefined,
    output: isStateSchema(output) ? output.getJsonSchema() : undefined,
    config: undefined, // StateSchema graphs declare no config schema
  };
  return result.state || result.input || result.output ? result : undefined;
}

function fromZodRegistry(graph: unknown): GraphSchema | undefined {
  try {
    const result: GraphSchema = {
      state: getUpdateTypeSchema(graph),
      input: getInputTypeSchema(graph),
      output: getOutputTypeSchema(graph),
      config: getConfigTypeSchema(graph),
    };
    return Object.values(result).some((schema) => schema != null) ? result : undefined;
  } catch {
    return undefined;
  }
}

function fromPlainZod(builder: Builder): GraphSchema | undefined {
  const convert = (schema: unknown) => {
    if (!schema || !(isZodSchemaV4(schema) || isZodSchemaV3(schema))) return undefined;
    try {
      return toJsonSchema(schema as Parameters<typeof toJsonSchema>[0]);
    } catch {
      return undefined;
    }
  };
  const state = convert(builder._schemaRuntimeDefinition) as Record<string, unknown> | undefined;
  const input = convert(builder._inputRuntimeDefinition) ?? (state ? { ...state, required: undefined } : undefined);
  const output = convert(builder._outputRuntimeDefinition);
  const config = convert(builder._configRuntimeSchema);
  return state || input || output || config ? { state, input, output, config } : undefined;
}
