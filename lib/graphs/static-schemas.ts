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
import type { GraphSpec, LoadedConfig } from "./config.js";
import type { StaticSchemas } from "./schemas.js";
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
  let all: Promise<Record<string, StaticSchemas | undefined>> | undefined;
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
    all ??= compute().catch((err: unknown) => {
      log.warn("could not read graph schemas from their TypeScript types", { error: errorMessage(err) });
      return {};
    });
    return (await all)[graphId];
  };
}

/** Under the working directory's .lambdagraph/ (where npm start keeps its data), one file per langgraph.json. */
function defaultCacheFile(configPath: string): string {
  return join(
    process.cwd(),
    ".lambdagraph",
    "cache",
    `static-schemas-${createHash("sha256").update(configPath).digest("hex").slice(0, 16)}.json`,
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

/** Runs the official static extractor over the graphs' files (seconds: it type-checks them). */
export async function extractStaticSchemas(specs: GraphSpec[]): Promise<Record<string, StaticSchemas | undefined>> {
  if (specs.length === 0) return {};
  // Named through a variable so esbuild leaves it out of the Lambda bundles (it would pull the compiler in).
  const extractor = "@langchain/langgraph-api/schema";
  const { getStaticGraphSchema } = (await import(extractor)) as typeof import("@langchain/langgraph-api/schema");
  const timeoutMs = Number(process.env.LANGGRAPH_SCHEMA_RESOLVE_TIMEOUT_MS) || 120_000;
  const input = Object.fromEntries(
    specs.map((spec) => [spec.graphId, { sourceFile: spec.file, exportSymbol: spec.exportName }]),
  );
  return (await getStaticGraphSchema(input, { timeoutMs })) as Record<string, StaticSchemas | undefined>;
}
