/**
 * The graphs named in langgraph.json, loaded once per process. A graph file may be .ts, .mts, .js or .mjs
 * (npm start runs under tsx; the Lambda bundles are built by esbuild) and exports a compiled graph, a
 * StateGraph (compiled here), or a function returning either.
 */
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type { BaseCheckpointSaver, BaseStore } from "@langchain/langgraph-checkpoint";
import type { Pregel } from "@langchain/langgraph/pregel";
import { toJSONSchema, type ZodType } from "zod";
import { loadConfig, type GraphSpec } from "./config.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CompiledGraph = Pregel<any, any, any, any, any, any>;

export interface GraphRegistry {
  ids(): string[];
  has(graphId: string): boolean;
  /** The graph with the checkpointer (and store) attached: a copy, the shared instance is not modified. */
  get(graphId: string, opts?: { checkpointer?: BaseCheckpointSaver; store?: BaseStore }): Promise<CompiledGraph>;
  drawable(graphId: string, xray?: boolean | number): Promise<unknown>;
  schemas(graphId: string): Promise<Record<string, unknown>>;
  /** The graph's subgraphs (under `namespace`, all levels with `recurse`), each with its schemas, by namespace. */
  subgraphs(graphId: string, namespace?: string, recurse?: boolean): Promise<Record<string, unknown>>;
}

export async function loadGraphs(configPath: string): Promise<GraphRegistry> {
  const config = loadConfig(configPath);
  const graphs = new Map<string, CompiledGraph>();
  for (const spec of config.graphs) graphs.set(spec.graphId, await loadGraph(spec));
  return registryOf(graphs);
}

/** A registry over graphs already in hand (for embedding and tests). */
export function registryOf(graphs: Map<string, CompiledGraph>): GraphRegistry {
  const compiled = (graphId: string) => {
    const graph = graphs.get(graphId);
    if (!graph) throw new Error(`Graph "${graphId}" is not registered`);
    return graph;
  };
  return {
    ids: () => [...graphs.keys()],
    has: (graphId) => graphs.has(graphId),
    async get(graphId, opts = {}) {
      // A shallow copy shares nodes and channels (read-only at run time) but has its own checkpointer/store.
      const copy = Object.assign(Object.create(Object.getPrototypeOf(compiled(graphId))), compiled(graphId)) as CompiledGraph;
      if (opts.checkpointer) copy.checkpointer = opts.checkpointer;
      if (opts.store) copy.store = opts.store;
      return copy;
    },
    async drawable(graphId, xray) {
      const drawn = await (compiled(graphId) as unknown as { getGraphAsync(c: { xray?: boolean | number }): Promise<{ toJSON(): unknown }> }).getGraphAsync({ xray });
      const json = drawn.toJSON() as { nodes: { id: string; type?: string; data?: unknown }[]; edges: unknown[] };
      return json;
    },
    async schemas(graphId) {
      return schemasOf(graphId, compiled(graphId));
    },
    async subgraphs(graphId, namespace, recurse) {
      const result: Record<string, unknown> = {};
      for await (const [ns, subgraph] of compiled(graphId).getSubgraphsAsync(namespace, recurse)) {
        result[ns] = schemasOf(graphId, subgraph as CompiledGraph);
      }
      return result;
    },
  };
}

function schemasOf(graphId: string, graph: CompiledGraph): Record<string, unknown> {
  const builder = (graph as CompiledGraph & { builder?: { _schemaDefinition?: unknown; _inputDefinition?: unknown; _outputDefinition?: unknown; _configSchema?: unknown } }).builder ?? {};
  return {
    graph_id: graphId,
    input_schema: jsonSchemaOf(builder._inputDefinition),
    output_schema: jsonSchemaOf(builder._outputDefinition),
    state_schema: jsonSchemaOf(builder._schemaDefinition),
    config_schema: jsonSchemaOf(builder._configSchema),
    context_schema: null,
  };
}

/** JSON Schema for zod-defined state; null for Annotation-defined state (no runtime types to read). */
function jsonSchemaOf(definition: unknown): unknown {
  if (definition && typeof definition === "object" && "_zod" in definition) {
    try {
      return toJSONSchema(definition as ZodType, { unrepresentable: "any" });
    } catch {
      return null;
    }
  }
  return null;
}

async function loadGraph(spec: GraphSpec): Promise<CompiledGraph> {
  const where = `Graph "${spec.graphId}" (${spec.spec})`;
  if (!existsSync(spec.file)) throw new Error(`${where}: file not found: ${spec.file}`);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(spec.file).href)) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${where}: failed to import: ${(err as Error).message}`);
  }
  return graphFromModule(spec, module);
}

/**
 * The graphs of modules already imported — how the Lambda bundles provide them: a generated entry imports
 * each graph file statically (so esbuild bundles it) and passes the modules here.
 */
export async function registryFromModules(modules: Record<string, { module: Record<string, unknown>; exportName: string }>): Promise<GraphRegistry> {
  const graphs = new Map<string, CompiledGraph>();
  for (const [graphId, { module, exportName }] of Object.entries(modules)) {
    graphs.set(graphId, await graphFromModule({ graphId, exportName, file: `(bundled ${graphId})`, spec: `${graphId}:${exportName}` }, module));
  }
  return registryOf(graphs);
}

async function graphFromModule(spec: GraphSpec, module: Record<string, unknown>): Promise<CompiledGraph> {
  const where = `Graph "${spec.graphId}" (${spec.spec})`;
  if (!(spec.exportName in module)) throw new Error(`${where}: export "${spec.exportName}" not found in ${spec.file}`);
  let exported = module[spec.exportName];
  if (typeof exported === "function" && !isGraph(exported)) exported = await (exported as (config: unknown) => unknown)({});
  if (isStateGraph(exported)) exported = exported.compile();
  if (!isGraph(exported)) throw new Error(`${where}: export "${spec.exportName}" is not a LangGraph graph`);
  return exported as CompiledGraph;
}

function isGraph(value: unknown): boolean {
  const v = value as Record<string, unknown> | undefined;
  return !!v && typeof v.stream === "function" && typeof v.getState === "function" && typeof v.invoke === "function";
}

function isStateGraph(value: unknown): value is { compile(): unknown } {
  const v = value as Record<string, unknown> | undefined;
  return !!v && typeof v.compile === "function" && typeof v.stream !== "function";
}
