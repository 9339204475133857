/**
 * `node --import tsx lib/extensions/ui-build-cli.ts <langgraph.json> <outDir>`: builds the config's `ui` bundles
 * into `<outDir>` (ui-build.ts). The CDK stack runs it after bundling the API function, into the bundle's folder.
 */
import { loadConfig } from "../graphs/config.js";
import { buildUi } from "./ui-build.js";

const [configPath, outDir] = process.argv.slice(2);
if (!configPath || !outDir) {
  console.error("usage: ui-build-cli.ts <langgraph.json> <outDir>");
  process.exit(2);
}
const built = await buildUi(loadConfig(configPath), outDir);
console.error(built ? `ui bundles written to ${outDir}` : "no ui in langgraph.json");
