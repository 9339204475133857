/**
 * The graphs named in langgraph.json, loaded once per process as `langgraph dev` loads them. A graph file may be
 * .ts, .mts, .js or .mjs (npm start runs under tsx; the Lambda bundles are built by esbuild) and its export may
 * be a compiled graph, a StateGraph (compiled here), a Promise of either, or a (possibly async) factory
 * `(config, runtime) => graph`. A factory is called each time the graph is needed, with the config of what
 * needs it: a run's merged config, the assistant's config for graph and schema reads, the thread's for state.
 */
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type { RunnableConfig } from "@langchain/core/runnables";
import type { BaseCheckpointSaver, BaseStore } from "@langchain/langgraph-checkpoint";
import type { Pregel } from "@langchain/langgraph/pregel";
import { graphDefaultsFromEnv, loadConfig, type GraphDefaults, type GraphSpec } from "./config.js";
import "./logger.js"; // getLogger() works in graphs from their first line: registered before any is imported
import { runtimeSchemaOf, schemasBody, staticSchemaOf, type GraphSchema, type StaticSchemas } from "./schemas.js";
import { lazyStaticSchemas, precomputedSchemas, type StaticSchemaSource } from "./static-schemas.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CompiledGraph = Pregel<any, any, any, any, any, any>;

/** Why a graph is wanted, as the official server tells a factory (its `ServerRuntime`). */
export type AccessContext = "threads.create_run" | "threads.read" | "threads.update" | "assistants.read";
type ServerRuntime =
  | { accessContext: "threads.create_run"; executionRuntime: { context: unknown } }
  | { accessContext: Exclude<AccessContext, "threads.create_run">; executionRuntime: null };
export type GraphFactory = (config: RunnableConfig, runtime: ServerRuntime) => unknown;

export interface GetGraphOptions {
  checkpointer?: BaseCheckpointSaver;
  store?: BaseStore;
  /** The config a factory export is called with; given as a function, it is only called for a factory. */
  config?: RunnableConfig | (() => Promise<RunnableConfig>);
  /** Default "assistants.read"; a run says "threads.create_run" and passes its context. */
  access?: AccessContext;
  context?: unknown;
}

/** What LANGGRAPH_CONFIG says about a graph's default assistant. */
export type GraphInfo = GraphDefaults;

export interface GraphRegistry {
  ids(): string[];
  has(graphId: string): boolean;
  info(graphId: string): GraphInfo;
  /** The graph with the checkpointer (and store) attached: a copy, the shared instance is not modified. */
  get(graphId: string, opts?: GetGraphOptions): Promise<CompiledGraph>;
  drawable(graphId: string, xray?: boolean | number, config?: RunnableConfig): Promise<unknown>;
  schemas(graphId: string, config?: RunnableConfig): Promise<Record<string, unknown>>;
  /** The graph's subgraphs (under `namespace`, all levels with `recurse`), each with its schemas, by namespace. */
  subgraphs(
    graphId: string,
    namespace?: string,
    recurse?: boolean,
    config?: RunnableConfig,
  ): Promise<Record<string, unknown>>;
}

/** A graph as loaded: one shared instance, or a factory called per use. */
export type LoadedGraph = CompiledGraph | GraphFactory;

export interface RegistryOptions {
  info?: Record<string, GraphInfo>;
  staticSchemas?: StaticSchemaSource;
}

export async function loadGraphs(configPath: string): Promise<GraphRegistry> {
  const config = loadConfig(configPath); // applies langgraph.json `env` first: graphs and LANGGRAPH_CONFIG read it
  const graphs = new Map<string, LoadedGraph>();
  for (const spec of config.graphs) graphs.set(spec.graphId, await loadGraph(spec));
  return registryOf(graphs, {
    info: infoOf(config.graphs.map((g) => g.graphId)),
    staticSchemas: lazyStaticSchemas(config),
  });
}

/** Each graph's default config and context (LANGGRAPH_CONFIG). */
export function infoOf(graphIds: string[], env: NodeJS.ProcessEnv = process.env): Record<string, GraphInfo> {
  const defaults = graphDefaultsFromEnv(env);
  return Object.fromEntries(
    graphIds.filter((graphId) => defaults[graphId]).map((graphId) => [graphId, defaults[graphId]]),
  );
}

/** A registry over graphs already in hand (for embedding and tests). */
export function registryOf(graphs: Map<string, LoadedGraph>, options: RegistryOptions = {}): GraphRegistry {
  const loaded = (graphId: string) => {
    const graph = graphs.get(graphId);
    if (!graph) throw new Error(`Graph "${graphId}" not found`); // the official words, as a run on it fails
    return graph;
  };
  const staticSchemas = options.staticSchemas ?? (async () => undefined);
  /** The graph for `config`: the shared instance, or what the factory makes of it. */
  const resolve = async (graphId: string, opts: GetGraphOptions = {}): Promise<CompiledGraph> => {
    const graph = loaded(graphId);
    if (!isFactory(graph)) return graph;
    const config = (typeof opts.config === "function" ? await opts.config() : opts.config) ?? { configurable: {} };
    const access = opts.access ?? "assistants.read";
    const runtime: ServerRuntime =
      access === "threads.create_run"
        ? { accessContext: access, executionRuntime: { context: opts.context } }
        : { accessContext: access, executionRuntime: null };
    let made: unknown;
    try {
      made = await graph(config, runtime);
    } catch (err) {
      throw new Error(`Graph "${graphId}": its factory failed: ${(err as Error).message}`, { cause: err });
    }
    return asCompiledGraph(made, `Graph "${graphId}": its factory`);
  };
  /** Runtime schemas, else the static ones of the graph's file (the subgraph's at `namespace`). */
  const schemaOf = async (graphId: string, graph: CompiledGraph, namespace = ""): Promise<GraphSchema> => {
    const runtime = runtimeSchemaOf(graph);
    if (runtime) return runtime;
    const fromTypes = await staticSchemas(graphId);
    return (fromTypes && staticSchemaOf(fromTypes, namespace)) ?? {};
  };
  return {
    ids: () => [...graphs.keys()],
    has: (graphId) => graphs.has(graphId),
    info: (graphId) => options.info?.[graphId] ?? { config: {} },
    async get(graphId, opts = {}) {
      const graph = await resolve(graphId, opts);
      // A factory's graph is made for this call alone: it gets the checkpointer itself, since its own methods may be
      // wrapped around it (`compiled.getState = …bind(compiled)`), which a copy would leave without one.
      // A shared instance is shallow-copied: the copy shares nodes and channels (read-only at run time) but has its
      // own checkpointer/store.
      const copy = isFactory(loaded(graphId))
        ? graph
        : (Object.assign(Object.create(Object.getPrototypeOf(graph)), graph) as CompiledGraph);
      if (opts.checkpointer) copy.checkpointer = opts.checkpointer;
      if (opts.store) copy.store = opts.store;
      return copy;
    },
    async drawable(graphId, xray, config = {}) {
      const graph = (await resolve(graphId, { config })) as unknown as {
        getGraphAsync(c: RunnableConfig & { xray?: boolean | number }): Promise<{ toJSON(): unknown }>;
      };
      return (await graph.getGraphAsync({ ...config, xray })).toJSON();
    },
    async schemas(graphId, config = {}) {
      return schemasBody(graphId, await schemaOf(graphId, await resolve(graphId, { config })));
    },
    async subgraphs(graphId, namespace, recurse, config = {}) {
      const graph = await resolve(graphId, { config });
      const result: Record<string, unknown> = {};
      for await (const [ns, subgraph] of graph.getSubgraphsAsync(namespace, recurse)) {
        result[ns] = await schemaOf(graphId, subgraph as CompiledGraph, ns);
      }
      return result;
    },
  };
}

async function loadGraph(spec: GraphSpec): Promise<LoadedGraph> {
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

/** A graph module as the Lambda bundles register it (infra/bundling.ts writes the entry that does). */
export interface BundledGraph {
  module: Record<string, unknown>;
  exportName: string;
  /** The file's static schemas, computed by the build. */
  schemas?: StaticSchemas;
  /** The default assistant's config and context from LANGGRAPH_CONFIG as the build saw it (langgraph.json `env`). */
  defaults?: GraphDefaults;
}

/**
 * The graphs of modules already imported — how the Lambda bundles provide them: a generated entry imports
 * each graph file statically (so esbuild bundles it) and passes the modules here. LANGGRAPH_CONFIG in the
 * function's environment, when set, wins over the defaults the build saw.
 */
export async function registryFromModules(
  modules: Record<string, BundledGraph>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<GraphRegistry> {
  const graphs = new Map<string, LoadedGraph>();
  for (const [graphId, { module, exportName }] of Object.entries(modules)) {
    graphs.set(
      graphId,
      await graphFromModule(
        { graphId, exportName, file: `(bundled ${graphId})`, spec: `${graphId}:${exportName}` },
        module,
      ),
    );
  }
  const schemas = Object.fromEntries(Object.entries(modules).map(([graphId, m]) => [graphId, m.schemas]));
  return registryOf(graphs, {
    info: env.LANGGRAPH_CONFIG ? infoOf(Object.keys(modules), env) : builtDefaults(modules),
    staticSchemas: precomputedSchemas(schemas),
  });
}

function builtDefaults(modules: Record<string, BundledGraph>): Record<string, GraphInfo> {
  return Object.fromEntries(
    Object.entries(modules).flatMap(([graphId, { defaults }]) => (defaults ? [[graphId, defaults]] : [])),
  );
}

async function graphFromModule(spec: GraphSpec, module: Record<string, unknown>): Promise<LoadedGraph> {
  const where = `Graph "${spec.graphId}" (${spec.spec})`;
  if (!(spec.exportName in module)) throw new Error(`${where}: export "${spec.exportName}" not found in ${spec.file}`);
  const exported = module[spec.exportName];
  if (typeof exported === "function" && !isGraph(exported)) return exported as GraphFactory;
  let value: unknown;
  try {
    value = await exported; // `export const graph = (async () => workflow.compile())()`
  } catch (err) {
    throw new Error(`${where}: export "${spec.exportName}" is a Promise that rejected: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return asCompiledGraph(value, `${where}: export "${spec.exportName}"`);
}

/** A compiled graph, compiling a StateGraph; unwraps createAgent's wrapper as the official server does. */
function asCompiledGraph(value: unknown, what: string): CompiledGraph {
  const graph = isStateGraph(value) ? value.compile() : value;
  const inner = (graph as { graph?: unknown } | undefined)?.graph;
  if (isGraph(inner) && (inner as { builder?: unknown }).builder) return inner as CompiledGraph;
  if (!isGraph(graph)) throw new Error(`${what} is not a LangGraph graph`);
  return graph as CompiledGraph;
}

function isFactory(graph: LoadedGraph): graph is GraphFactory {
  return typeof graph === "function" && !isGraph(graph);
}

function isGraph(value: unknown): boolean {
  const v = value as Record<string, unknown> | undefined;
  return !!v && typeof v.stream === "function" && typeof v.getState === "function" && typeof v.invoke === "function";
}

function isStateGraph(value: unknown): value is { compile(): unknown } {
  const v = value as Record<string, unknown> | undefined;
  return !!v && typeof v.compile === "function" && typeof v.stream !== "function";
}
