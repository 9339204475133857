/**
 * Latency of the local server, driven by the official SDK: `runs.wait` on a 2-node graph with no model, and
 * the time from a `runs.stream` request to its first streamed token. Prints medians and p90 (no assertions:
 * tests never assert on wall-clock time).
 *
 *   npx tsx bench/latency.ts [--runs 50]
 */
import { parseArgs } from "node:util";
import { Client } from "@langchain/langgraph-sdk";
import { startLocal } from "../lib/local/start.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const { values } = parseArgs({ options: { runs: { type: "string", default: "50" } } });
const n = Number(values.runs);

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const ms = (x: number) => `${x.toFixed(1)} ms`;

const system = await startLocal({ config: "langgraph.json", port: 0, host: "127.0.0.1" });
const client = new Client({ apiUrl: system.url });
try {
  const wait: number[] = [];
  const firstToken: number[] = [];
  const streamEnd: number[] = [];
  for (let i = 0; i < n + 5; i++) {
    const thread = await client.threads.create();
    let t0 = performance.now();
    await client.runs.wait(thread.thread_id, "simple", { input: { count: i } });
    const w = performance.now() - t0;

    t0 = performance.now();
    let first: number | undefined;
    for await (const part of client.runs.stream(thread.thread_id, "agent", {
      input: { messages: [{ type: "human", content: "hi" }] },
      streamMode: ["messages-tuple"],
    })) {
      if (part.event === "messages" && first === undefined) first = performance.now() - t0;
    }
    const end = performance.now() - t0;
    if (i >= 5) {
      // the first 5 warm up the JIT and the embedded database
      wait.push(w);
      firstToken.push(first!);
      streamEnd.push(end);
    }
  }
  console.log(`| measure (${n} runs, local server, embedded DynamoDB) | p50 | p90 |`);
  console.log(`|---|---|---|`);
  console.log(`| runs.wait, 2-node graph, no model | ${ms(percentile(wait, 50))} | ${ms(percentile(wait, 90))} |`);
  console.log(
    `| runs.stream: request → first token | ${ms(percentile(firstToken, 50))} | ${ms(percentile(firstToken, 90))} |`,
  );
  console.log(
    `| runs.stream: request → end (13 tokens) | ${ms(percentile(streamEnd, 50))} | ${ms(percentile(streamEnd, 90))} |`,
  );
} finally {
  await system.close();
}
