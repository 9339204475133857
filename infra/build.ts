/**
 * `npm run build`: bundles the two Lambda functions exactly as the CDK stack does (infra/bundling.ts) into
 * dist/, and prints their sizes.   npx tsx infra/build.ts [--config langgraph.json] [--out dist]
 */
import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { build } from "esbuild";
import { ESBUILD, buildUiAssets, writeEntries, type FunctionName } from "./bundling.js";

export async function buildFunctions(
  configPath: string,
  outDir: string,
): Promise<Record<FunctionName, { file: string; bytes: number }>> {
  const entries = writeEntries(resolve(configPath), resolve(outDir, "entries"));
  const result = {} as Record<FunctionName, { file: string; bytes: number }>;
  for (const name of ["api", "worker"] as const) {
    const file = join(resolve(outDir), `${name}.mjs`);
    await build({
      entryPoints: [entries[name]],
      outfile: file,
      bundle: true,
      platform: ESBUILD.platform,
      target: ESBUILD.target,
      format: ESBUILD.format,
      minify: ESBUILD.minify,
      sourcemap: ESBUILD.sourcemap,
      external: ESBUILD.external,
      mainFields: ESBUILD.mainFields,
      banner: { js: ESBUILD.banner },
      logLevel: "error",
    });
    result[name] = { file, bytes: statSync(file).size };
  }
  await buildUiAssets(resolve(configPath), resolve(outDir)); // langgraph.json `ui`: <outDir>/ui, beside api.mjs
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { config: { type: "string", default: "langgraph.json" }, out: { type: "string", default: "dist" } },
  });
  const built = await buildFunctions(values.config!, values.out!);
  for (const [name, { file, bytes }] of Object.entries(built)) {
    console.log(`${name.padEnd(7)} ${(bytes / 1024 / 1024).toFixed(2)} MB  ${file}`);
  }
}
