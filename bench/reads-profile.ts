/**
 * A hot loop of `threads.get` and `threads.getState` against lambdagraph's local server, for a CPU profile of the read
 * path: `npx tsx bench/reads-profile.ts [--calls 3000] [--only get|state] [--prof out] [--url http://…]`. Without
 * `--url` the server runs in this process (the profile then holds the SDK client too); `--prof out` writes
 * `out.get.cpuprofile` and `out.state.cpuprofile`, of the timed loops only (not of start-up). Prints the mean time per
 * call of each.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { parseArgs } from "node:util";
import { resolve } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { startLocal } from "../lib/local/start.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
process.env.LOG_LEVEL ??= "error";
const { values } = parseArgs({
  options: {
    calls: { type: "string", default: "3000" },
    only: { type: "string" },
    prof: { type: "string" },
    url: { type: "string" },
  },
});
const CALLS = Number(values.calls);
// --url: a server already running (`node --cpu-prof --import tsx lib/local/cli.ts --in-memory --config bench/langgraph.json`).
const system = values.url
  ? undefined
  : await startLocal({ config: resolve(import.meta.dirname, "langgraph.json"), port: 0, host: "127.0.0.1" });
const client = new Client({ apiUrl: values.url ?? system!.url });
const thread = await client.threads.create({ metadata: { bench: "reads" } });
await client.runs.wait(thread.thread_id, "three", { input: { n: 1 } });
const calls = {
  get: () => client.threads.get(thread.thread_id),
  state: () => client.threads.getState(thread.thread_id),
};
const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 100 });
for (const [name, call] of Object.entries(calls)) {
  if (values.only && values.only !== name) continue;
  for (let i = 0; i < 300; i++) await call();
  if (values.prof) await session.post("Profiler.start");
  const t0 = performance.now();
  for (let i = 0; i < CALLS; i++) await call();
  console.log(`${name}: ${((performance.now() - t0) / CALLS).toFixed(3)} ms/call`);
  if (values.prof) {
    const { profile } = await session.post("Profiler.stop");
    writeFileSync(values.prof.replace(/(\.cpuprofile)?$/, `.${name}.cpuprofile`), JSON.stringify(profile));
  }
}
await system?.close();
process.exit(0);
