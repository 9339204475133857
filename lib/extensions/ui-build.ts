/**
 * `ui` in langgraph.json: each graph's React components bundled for the browser by the official bundler
 * (@langchain/langgraph-ui: esbuild, tailwind, react and the SDK left to the host page, plus `ui_config.shared`),
 * written to a folder: `schemas.json` (graph id → its files) and `public/<graph_id>/<file>`.
 * `npm start` builds at start-up; on AWS the build runs at synth/build time into the API bundle (ui-routes.ts
 * serves the folder). The bundler is a devDependency, imported only here, never by a Lambda bundle.
 */
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import type { LoadedConfig } from "../graphs/config.js";

/** Builds the config's `ui` into `outDir` (replacing what was there); false when the config has no `ui`. */
export async function buildUi(config: Pick<LoadedConfig, "dir" | "ui" | "uiConfig">, outDir: string): Promise<boolean> {
  if (!config.ui || Object.keys(config.ui).length === 0) return false;
  const out = resolve(outDir);
  rmSync(out, { recursive: true, force: true });
  const { build } = await import("@langchain/langgraph-ui");
  try {
    await build({ output: out, cwd: config.dir, defs: config.ui, config: config.uiConfig ?? {} });
  } catch (err) {
    throw new Error(`ui in langgraph.json: bundling ${JSON.stringify(config.ui)} failed: ${(err as Error).message}`);
  }
  return true;
}
