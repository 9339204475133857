/**
 * Starts the official LangGraph JS server (@langchain/langgraph-api, what `langgraphjs dev` runs) on the same
 * langgraph.json, in this process: `npx tsx bench/official-server.ts --port 2110`. Prints "ready <url>".
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { startServer } from "@langchain/langgraph-api/server";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "2110" },
    config: { type: "string", default: "langgraph.json" },
    workers: { type: "string", default: "10" },
  },
});
const configPath = resolve(values.config!);
const config = JSON.parse(readFileSync(configPath, "utf8")) as { graphs: Record<string, string> };
const { host } = await startServer({
  port: Number(values.port),
  nWorkers: Number(values.workers),
  host: "127.0.0.1",
  cwd: dirname(configPath),
  graphs: config.graphs,
});
console.log(`ready http://${host}`);
