/**
 * Read latency only: `threads.get` and `threads.getState` p50 on lambdagraph's local server and on the official
 * server, side by side in one run (each server in its own process, same SDK client, calls taken in turn so all see
 * the same machine). The state read is of a thread after one run of the 3-node graph. Prints medians, p90 and the
 * ratios to the official server.
 *
 *   npx tsx bench/reads.ts [--calls 400] [--threads 1000] [--before ../checkout]
 *
 * `--threads N`: N threads stored on each server (as `bench/run.ts --threads`), `threads.get` of a random one.
 * `--before DIR`: lambdagraph from another checkout too (the code before a change), a third server in the turn.
 */
import { parseArgs } from "node:util";
import { Client } from "@langchain/langgraph-sdk";
import { median, percentile, seedThreads } from "./measures.js";
import { startServer, type RunningServer } from "./servers.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const { values } = parseArgs({
  options: {
    calls: { type: "string", default: "400" },
    threads: { type: "string", default: "1" },
    before: { type: "string" },
  },
});
const CALLS = Number(values.calls);
const THREADS = Number(values.threads);

const started: [string, Promise<RunningServer>][] = [
  ["ours", startServer("ours", 2121)],
  ...(values.before
    ? [["before", startServer("ours", 2123, undefined, { root: values.before })] as [string, Promise<RunningServer>]]
    : []),
  ["official", startServer("official", 2122)],
];
const servers = await Promise.all(started.map(async ([label, s]) => ({ label, server: await s })));
try {
  const setups = [];
  for (const { label, server } of servers) {
    const client = new Client({ apiUrl: server.url });
    const { ids, withState } = await seedThreads(server.url, THREADS);
    setups.push({ label, client, ids, withState });
  }
  const samples: Record<string, Record<"get" | "getState", number[]>> = {};
  for (const { label } of setups) samples[label] = { get: [], getState: [] };
  const time = async (f: () => Promise<unknown>) => {
    const t0 = performance.now();
    await f();
    return performance.now() - t0;
  };
  const any = (ids: string[]) => ids[Math.floor(Math.random() * ids.length)];
  // Warm up all (JIT, connections), then CALLS of each call, the servers' calls one after the other.
  for (const { client, ids, withState } of setups)
    for (let i = 0; i < 50; i++) {
      await client.threads.get(any(ids));
      await client.threads.getState(withState);
    }
  for (let i = 0; i < CALLS; i++) {
    for (const { label, client, ids } of setups)
      samples[label].get.push(await time(() => client.threads.get(any(ids))));
    for (const { label, client, withState } of setups)
      samples[label].getState.push(await time(() => client.threads.getState(withState)));
  }
  const others = setups.map((s) => s.label).filter((label) => label !== "official");
  console.log(
    `| call (${CALLS} calls each, ${THREADS} threads) | ${others.map((l) => `${l} p50 | ratio`).join(" | ")} | official p50 | ${others.map((l) => `${l} p90`).join(" | ")} | official p90 |`,
  );
  console.log(`|---|${others.map(() => "---|---|").join("")}---|${others.map(() => "---|").join("")}---|`);
  for (const call of ["get", "getState"] as const) {
    const theirs = samples.official[call];
    const cells = others.map((l) => {
      const p50 = median(samples[l][call]);
      return `${p50.toFixed(2)} ms | ${(p50 / median(theirs)).toFixed(2)}`;
    });
    const p90s = others.map((l) => `${percentile(samples[l][call], 90).toFixed(2)} ms`);
    console.log(
      `| threads.${call} | ${cells.join(" | ")} | ${median(theirs).toFixed(2)} ms | ${p90s.join(" | ")} | ${percentile(theirs, 90).toFixed(2)} ms |`,
    );
  }
} finally {
  for (const { server } of servers) await server.stop();
}
process.exit(0);
