/**
 * Read latency only: `threads.get` and `threads.getState` p50 on lambdagraph's local server and on the official
 * server, side by side in one run (each server in its own process, same SDK client, calls taken in turn so both see
 * the same machine). The thread read has run the 3-node graph once. Prints medians, p90 and the ratio.
 *
 *   npx tsx bench/reads.ts [--calls 400]
 */
import { parseArgs } from "node:util";
import { Client } from "@langchain/langgraph-sdk";
import { median, percentile } from "./measures.js";
import { startServer, type RunningServer } from "./servers.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const { values } = parseArgs({
  options: { calls: { type: "string", default: "400" } },
});
const CALLS = Number(values.calls);

const servers: RunningServer[] = [await startServer("ours", 2121), await startServer("official", 2122)];
try {
  const setups = await Promise.all(
    servers.map(async (s) => {
      const client = new Client({ apiUrl: s.url });
      const thread = await client.threads.create({ metadata: { bench: "reads" } });
      await client.runs.wait(thread.thread_id, "three", { input: { n: 1 } });
      return { kind: s.kind, client, threadId: thread.thread_id };
    }),
  );
  const samples: Record<string, Record<"get" | "getState", number[]>> = {
    ours: { get: [], getState: [] },
    official: { get: [], getState: [] },
  };
  const time = async (f: () => Promise<unknown>) => {
    const t0 = performance.now();
    await f();
    return performance.now() - t0;
  };
  // Warm up both (JIT, connections), then CALLS of each call, the two servers' calls one after the other.
  for (const { client, threadId } of setups)
    for (let i = 0; i < 50; i++) {
      await client.threads.get(threadId);
      await client.threads.getState(threadId);
    }
  for (let i = 0; i < CALLS; i++) {
    for (const { kind, client, threadId } of setups)
      samples[kind].get.push(await time(() => client.threads.get(threadId)));
    for (const { kind, client, threadId } of setups)
      samples[kind].getState.push(await time(() => client.threads.getState(threadId)));
  }
  console.log(`| call (${CALLS} calls each) | ours p50 | official p50 | ratio | ours p90 | official p90 |`);
  console.log("|---|---|---|---|---|---|");
  for (const call of ["get", "getState"] as const) {
    const ours = samples.ours[call];
    const theirs = samples.official[call];
    console.log(
      `| threads.${call} | ${median(ours).toFixed(2)} ms | ${median(theirs).toFixed(2)} ms | ${(median(ours) / median(theirs)).toFixed(2)} | ${percentile(ours, 90).toFixed(2)} ms | ${percentile(theirs, 90).toFixed(2)} ms |`,
    );
  }
} finally {
  for (const s of servers) await s.stop();
}
process.exit(0);
