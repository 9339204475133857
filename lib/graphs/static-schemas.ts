/**
 * Schemas read from the TypeScript types of the graphs' source files — the only place `Annotation` state has
 * them — by the official server's own extractor (`getStaticGraphSchema` of `@langchain/langgraph-api/schema`,
 * which runs the TypeScript compiler in a worker thread). That costs seconds of CPU, so:
 * - under `npm start` they are computed on first need, for every graph at once, and kept (also on disk);
 * - for AWS they are computed by the build (infra/bundling.ts) and shipped in the bundles as data: the
 *   functions never load the compiler.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Worker } from "node:worker_threads";
import type { GraphSpec, LoadedConfig } from "./config.js";
import type { StaticSchemas } from "./schemas.js";
import type { WorkerInput, WorkerOutput } from "./static-schemas-worker.js";
import { errorMessage, log } from "../log/log.js";

/** graph id → its file's static schemas (undefined when extraction failed). */
export type StaticSchemaSource = (graphId: string) => Promise<StaticSchemas | undefined>;

/** Schemas computed ahead of time (the Lambda bundles). */
export function precomputedSchemas(schemas: Record<string, StaticSchemas | undefined>): StaticSchemaSource {
  return async (graphId) => schemas[graphId];
}

/**
 * Schemas computed on first request, for all graphs in one compiler run, then kept — in memory, and in
 * `cacheFile` while it is newer than the sources (see isFresh), so the next start reads them back.
 */
export function lazyStaticSchemas(
  config: Pick<LoadedConfig, "path" | "graphs">,
  cacheFile = defaultCacheFile(config.path),
): StaticSchemaSource {
  type All = Record<string, StaticSchemas | undefined>;
  let all: Promise<All> | undefined;
  const compute = async () => {
    if (isFresh(cacheFile, config))
      return JSON.parse(readFileSync(cacheFile, "utf8")) as Record<string, StaticSchemas | undefined>;
    const schemas = await extractStaticSchemas(config.graphs);
    mkdirSync(dirname(cacheFile), { recursive: true });
    const partial = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(schemas));
    renameSync(partial, cacheFile); // whole or not at all, for other processes reading it
    return schemas;
  };
  return async (graphId) => {
    if (!all) {
      // A failure (often the time limit, on a loaded machine) is not kept: the next request tries again, as the
      // official server does.
      const attempt: Promise<All> = compute().catch((err: unknown) => {
        log.warn("could not read graph schemas from their TypeScript types", { error: errorMessage(err) });
        if (all === attempt) all = undefined;
        return {};
      });
      all = attempt;
    }
    return (await all)[graphId];
  };
}

/** Changes when the extraction does, so that schemas saved by an older one are not read back. 2: bare class names. */
const CACHE_VERSION = 2;

/** Under the working directory's .lambdagraph/ (where npm start keeps its data), one file per langgraph.json. */
function defaultCacheFile(configPath: string): string {
  return join(
    process.cwd(),
    ".lambdagraph",
    "cache",
    `static-schemas-${CACHE_VERSION}-${createHash("sha256").update(configPath).digest("hex").slice(0, 16)}.json`,
  );
}

/**
 * Whether schemas saved in `file` still hold: it is newer than langgraph.json and every source file in the
 * graphs' folders (the types a graph's schemas come from are usually there; a change elsewhere, such as an
 * upgraded dependency, is not seen: delete the file).
 */
export function isFresh(file: string, config: Pick<LoadedConfig, "path" | "graphs">): boolean {
  if (!existsSync(file)) return false;
  const savedAt = statSync(file).mtimeMs;
  const folders = [...new Set(config.graphs.map((g) => dirname(g.file)))];
  const sources = [
    config.path,
    ...folders.flatMap((folder) =>
      readdirSync(folder)
        .filter((f) => /\.[cm]?[jt]sx?$/.test(f))
        .map((f) => join(folder, f)),
    ),
  ];
  return sources.every((source) => statSync(source).mtimeMs <= savedAt);
}

/**
 * Runs the official static extractor over the graphs' files (seconds: it type-checks them), in a worker thread
 * (static-schemas-worker.ts: it names generic classes as the official suite expects).
 */
export async function extractStaticSchemas(specs: GraphSpec[]): Promise<Record<string, StaticSchemas | undefined>> {
  if (specs.length === 0) return {};
  const timeoutMs = Number(process.env.LANGGRAPH_SCHEMA_RESOLVE_TIMEOUT_MS) || 120_000;
  const input: WorkerInput = Object.fromEntries(
    specs.map((spec) => [spec.graphId, { sourceFile: spec.file, exportSymbol: spec.exportName }]),
  );
  const worker = startWorker(input);
  let timer: NodeJS.Timeout | undefined;
  try {
    const output = await new Promise<WorkerOutput>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`reading the schemas of ${specs.length} graphs took over ${timeoutMs} ms`)),
        timeoutMs,
      );
      worker.once("message", resolve);
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`the schema worker exited (code ${code}) without an answer`)));
    });
    if ("error" in output) throw new Error(`reading graph schemas failed: ${output.error}`);
    return output.schemas as Record<string, StaticSchemas | undefined>;
  } finally {
    clearTimeout(timer);
    void worker.terminate();
  }
}

/**
 * The worker runs static-schemas-worker.js beside this file when built, or its .ts source under tsx: worker threads
 * do not inherit tsx's module hooks, so there the module is loaded through tsx's API (as the official extractor's
 * own worker does). Named only through a URL, so esbuild leaves it (and the compiler) out of the Lambda bundles.
 */
function startWorker(workerData: WorkerInput): Worker {
  const source = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  const url = JSON.stringify(new URL(`./static-schemas-worker${source}`, import.meta.url).href);
  const load =
    source === ".ts"
      ? `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then((tsx) => tsx.tsImport(${url}, ${url}))`
      : `import(${url})`;
  return new Worker(load, { eval: true, workerData });
}
