/**
 * `npm run build`: bundles the two Lambda functions exactly as the CDK construct does (infra/bundling.ts) into
 * dist/, and prints their sizes.   npx tsx infra/build.ts [--config langgraph.json] [--out dist]
 */
import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../lib/graphs/config.js";
import { FUNCTION_NAMES, bundleFunction, entryData, type FunctionName } from "./bundling.js";

export async function buildFunctions(
  configPath: string,
  outDir: string,
): Promise<Record<FunctionName, { file: string; bytes: number }>> {
  const data = await entryData(loadConfig(resolve(configPath))); // once for both functions
  const result = {} as Record<FunctionName, { file: string; bytes: number }>;
  for (const name of FUNCTION_NAMES) {
    const file = join(resolve(outDir), `${name}.mjs`);
    await bundleFunction(configPath, name, file, data); // the API's langgraph.json `ui`: <outDir>/ui, beside api.mjs
    result[name] = { file, bytes: statSync(file).size };
  }
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
