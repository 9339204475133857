/**
 * `node --import tsx infra/bundle-cli.ts <langgraph.json> <api|worker> <outDir>`: one function's bundle as
 * `<outDir>/index.mjs` (and the API's `ui/`). The CDK bundling step (function-code.ts) runs it in a child process,
 * so the synchronous synthesis can wait for the asynchronous build and its own environment stays untouched.
 */
import { join } from "node:path";
import { FUNCTION_NAMES, bundleFunction, type FunctionName } from "./bundling.js";

const [configPath, name, outDir] = process.argv.slice(2);
if (!configPath || !FUNCTION_NAMES.includes(name as FunctionName) || !outDir) {
  console.error(`usage: bundle-cli.ts <langgraph.json> <${FUNCTION_NAMES.join("|")}> <outDir>`);
  process.exit(2);
}
await bundleFunction(configPath, name as FunctionName, join(outDir, "index.mjs"));
