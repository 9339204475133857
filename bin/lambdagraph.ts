#!/usr/bin/env node
/**
 * The `lambdagraph` command of the installed package, run in the user's project (beside its langgraph.json):
 *   lambdagraph dev   [--config ./langgraph.json] [--port 2024] …   what `npm start` is in this repository
 *   lambdagraph build [--config ./langgraph.json] [--out .lambdagraph/dist]   the two Lambda bundles, with sizes
 * Deploying is the user's own CDK app: `new LangGraphPlatform(…)` from "lambdagraph/cdk", then `npx cdk deploy`.
 *
 * The graphs are TypeScript, loaded at run time: tsx is registered first. They import their libraries (their
 * @langchain/langgraph among them, a peer dependency so ours is theirs) from the user's node_modules.
 */
import { parseArgs } from "node:util";
import { register } from "tsx/esm/api";

const USAGE = `usage: lambdagraph <command> [options]

  dev     serve ./langgraph.json's graphs locally, on an embedded DynamoDB (lambdagraph dev --help)
  build   bundle the API and worker Lambda functions for ./langgraph.json and print their sizes
            --config <path>  langgraph.json (default ./langgraph.json)
            --out <dir>      where the bundles go (default .lambdagraph/dist)

Deploy with the CDK construct in your own app: import { LangGraphPlatform } from "lambdagraph/cdk", then npx cdk deploy.`;

register();
const [command, ...rest] = process.argv.slice(2);

if (command === "dev") {
  process.argv.splice(2, 1); // the dev server reads its own flags from process.argv
  await import("../lib/local/cli.js");
} else if (command === "build") {
  const { values } = parseArgs({
    args: rest,
    options: {
      config: { type: "string", default: "./langgraph.json" },
      out: { type: "string", default: ".lambdagraph/dist" },
    },
  });
  const { buildFunctions } = await import("../infra/build.js");
  const built = await buildFunctions(values.config!, values.out!);
  for (const [name, { file, bytes }] of Object.entries(built)) {
    console.log(`${name.padEnd(7)} ${(bytes / 1024 / 1024).toFixed(2)} MB  ${file}`);
  }
} else {
  console.log(USAGE);
  process.exit(command === undefined || command === "--help" || command === "help" ? 0 : 2);
}
