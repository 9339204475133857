/**
 * `npm run bench`: lambdagraph's local server next to the official LangGraph JS server (@langchain/langgraph-api,
 * what `langgraph dev` runs), both on bench/langgraph.json, both in their own process, driven by the same
 * @langchain/langgraph-sdk client. Every figure is the median of REPS repetitions, and every ratio is taken pair
 * by pair within one run (machines here are shared and noisy). Prints a markdown table and writes
 * bench/results/latest.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { coldStart } from "./cold-start.js";
import { storageCost } from "./cost.js";
import { median, percentile, rest, seedThreads, streaming, throughput, type RestFigures } from "./measures.js";
import { startServer, type RunningServer } from "./servers.js";
import { topologyRows } from "./topology.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const { values } = parseArgs({
  options: {
    reps: { type: "string", default: "5" },
    window: { type: "string", default: "3000" },
    threads: { type: "string", default: "10000" },
    // Comma-separated parts to run (default all): throughput, streaming, rest, cost, cold, topology.
    only: { type: "string" },
  },
});
const want = (part: string) => !values.only || values.only.split(",").includes(part);
const REPS = Number(values.reps);
const WINDOW_MS = Number(values.window);
const THREADS = Number(values.threads);
const ROOT = resolve(import.meta.dirname, "..");
const log = (msg: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);

interface Row {
  measure: string;
  ours: number;
  official?: number;
  /** Median of the per-repetition ratios ours/official. */
  ratio?: number;
  unit: string;
  target?: string;
  met?: boolean;
}
const rows: Row[] = [];

/** REPS samples of `run` on each server, taken in turn (ours, then official) so both see the same machine. */
async function pairedSamples<F>(run: (server: RunningServer) => Promise<F>, servers: RunningServer[]) {
  const samples: { ours: F[]; official: F[] } = { ours: [], official: [] };
  for (let i = 0; i < REPS; i++) for (const server of servers) samples[server.kind].push(await run(server));
  return samples;
}

/** A row from paired samples: medians of each side, and the median of the per-repetition ratios. */
function addRow<F>(
  measure: string,
  unit: string,
  samples: { ours: F[]; official: F[] },
  pick: (f: F) => number,
  target?: (ratio: number) => [string, boolean],
) {
  const ours = samples.ours.map(pick);
  const theirs = samples.official.map(pick);
  const row: Row = {
    measure,
    ours: median(ours),
    official: median(theirs),
    ratio: median(ours.map((o, i) => o / theirs[i])),
    unit,
  };
  if (target) [row.target, row.met] = target(row.ratio!);
  rows.push(row);
  log(
    `${measure}: ours ${fmt(row.ours)} ${unit}, official ${fmt(row.official)} ${unit}, ratio ${row.ratio!.toFixed(2)}`,
  );
}

const fmt = (x: number | undefined, digits = 1) =>
  x === undefined || Number.isNaN(x) ? "—" : x >= 100 ? x.toFixed(0) : x.toFixed(digits);
const atLeast = (k: number) => (r: number) => [`≥ ${k}× official`, r >= k] as [string, boolean];
const atMost = (k: number) => (r: number) => [`≤ ${k}× official`, r <= k] as [string, boolean];

const started = performance.now();
log("starting both servers");
const servers = [await startServer("ours", 2101), await startServer("official", 2102)];
try {
  for (const server of servers) for (let i = 0; i < 3; i++) await throughput(server.url, 2, 300); // warm up

  log(`1. run throughput (${WINDOW_MS} ms windows)`);
  const throughputTargets: Record<number, (r: number) => [string, boolean]> = { 8: atLeast(2), 32: atLeast(1.5) };
  for (const clients of want("throughput") ? [1, 8, 32] : []) {
    const samples = await pairedSamples(async (s) => {
      const cpu0 = s.cpuSeconds();
      const figures = await throughput(s.url, clients, WINDOW_MS);
      return { ...figures, cpuMsPerRun: ((s.cpuSeconds() - cpu0) * 1000) / figures.runs };
    }, servers);
    const label = `${clients} client${clients > 1 ? "s" : ""}`;
    addRow(
      `runs.wait throughput, 3-node graph, ${label}`,
      "runs/s",
      samples,
      (f) => f.runsPerSecond,
      throughputTargets[clients],
    );
    if (clients === 1) addRow("runs.wait p50, 1 client", "ms", samples, (f) => median(f.latencies), atMost(0.15));
    addRow(`server CPU per run, ${label}`, "ms", samples, (f) => f.cpuMsPerRun);
  }

  if (want("streaming")) {
    log("2. streaming latency (500 tokens)");
    const streams = await pairedSamples((s) => streaming(s.url), servers);
    addRow("first token p50", "ms", streams, (f) => f.firstTokenMs, atMost(0.8));
    addRow("500 tokens: request → end", "ms", streams, (f) => f.endMs);
    addRow("500 tokens: events delivered per second", "events/s", streams, (f) => f.eventsPerSecond);
  }

  if (want("rest")) await restRows(servers);
} finally {
  for (const s of servers) await s.stop();
}

/** Section 3: threads.get / getState / search latencies with THREADS threads stored. */
async function restRows(servers: RunningServer[]) {
  log(`3. REST latency with ${THREADS} threads stored (seeding…)`);
  const seeded = {
    ours: await seedThreads(servers[0].url, THREADS),
    official: await seedThreads(servers[1].url, THREADS),
  };
  const restRuns: { ours: RestFigures[]; official: RestFigures[] } = { ours: [], official: [] };
  for (let i = 0; i < REPS; i++) {
    // Both servers' calls in turn, 100 each per repetition (see rest in measures.ts).
    const figures = await rest(
      servers.map((s) => ({ url: s.url, seeded: seeded[s.kind as "ours" | "official"] })),
      100,
    );
    servers.forEach((s, k) => restRuns[s.kind].push(figures[k]));
  }
  for (const call of ["get", "getState", "search"] as const) {
    for (const p of [50, 99]) {
      const target = call !== "search" && p === 50 ? atMost(1.5) : undefined;
      const name = `threads.${call}${call === "search" ? "({limit: 20})" : ""} p${p}`;
      addRow(name, "ms", restRuns, (r) => percentile(r[call], p), target);
    }
  }
}

let cost: Awaited<ReturnType<typeof storageCost>> | undefined;
let cold: Awaited<ReturnType<typeof coldStart>> | undefined;
if (want("cost")) await costRows();
/** Section 4: DynamoDB requests, capacity and dollars per run. */
async function costRows() {
  log("4. storage cost per run (ours, in-process, metered)");
  cost = await storageCost(REPS);
  const perToken = cost.stream.eventLogWrites / cost.stream.tokens;
  rows.push(
    {
      measure: "DynamoDB requests per run (runs.wait, 3 nodes)",
      ours: cost.wait.requests,
      unit: `requests (${Object.entries(cost.wait.byOperation)
        .map(([op, n]) => `${n} ${op}`)
        .join(", ")})`,
    },
    {
      measure: "DynamoDB capacity units per run (runs.wait, 3 nodes)",
      ours: cost.wait.writeUnits + cost.wait.readUnits,
      unit: `units (${cost.wait.writeUnits} WRU, ${cost.wait.readUnits} RRU, ${cost.wait.itemsWritten} items, ${(cost.wait.requestBytes / 1024).toFixed(1)} KB)`,
    },
    {
      measure: "500-token streamed run: DynamoDB items written",
      ours: cost.stream.itemsWritten,
      unit: `items (${cost.stream.eventLogWrites} event-log writes, ${cost.stream.writeUnits} WRU, ${cost.stream.readUnits} RRU)`,
    },
    {
      measure: "event-log writes per 50 streamed tokens",
      ours: perToken * 50,
      unit: "writes",
      target: "≤ 1",
      met: perToken * 50 <= 1,
    },
    {
      measure: "all DynamoDB items written per 50 streamed tokens (event log + checkpoints + run/thread bookkeeping)",
      ours: (cost.stream.itemsWritten / cost.stream.tokens) * 50,
      unit: "writes",
    },
    {
      measure: "AWS cost per 1M simple runs (DynamoDB + SQS + Lambda)",
      ours: cost.wait.dollarsPerRun * 1e6,
      unit: "$",
      target: "< $50 (LangGraph Platform: $5,000)",
      met: cost.wait.dollarsPerRun * 1e6 < 50,
    },
    { measure: "AWS cost per 1M 500-token streamed runs", ours: cost.stream.dollarsPerRun * 1e6, unit: "$" },
  );
}

if (want("cold")) {
  log("5. cold start");
  cold = await coldStart(REPS);
  rows.push(
    { measure: "API bundle size", ours: cold.bundleBytes.api / 1024 / 1024, unit: "MB" },
    { measure: "worker bundle size", ours: cold.bundleBytes.worker / 1024 / 1024, unit: "MB" },
    { measure: "fresh process: import the API bundle", ours: median(cold.importMs), unit: "ms" },
    {
      measure: "fresh process: start → first response (POST /threads)",
      ours: median(cold.firstResponseMs),
      unit: "ms",
    },
  );
}

if (want("topology")) {
  log("6. npm start against --topology aws (bench/topology.ts)");
  rows.push(...(await topologyRows(REPS)));
}

const machine = `${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const date = new Date().toISOString().slice(0, 10);
const lines = [
  `Benchmarks ${date} on ${machine}; median of ${REPS} repetitions; ratios pair by pair. Official = @langchain/langgraph-api 1.5.1 (in-memory).`,
  "",
  "| measure | ours | official | ours/official | unit | target | met |",
  "|---|---|---|---|---|---|---|",
  ...rows.map(
    (r) =>
      `| ${r.measure} | ${fmt(r.ours)} | ${fmt(r.official)} | ${r.ratio === undefined ? "—" : r.ratio.toFixed(2)} | ${r.unit} | ${r.target ?? ""} | ${r.met === undefined ? "" : r.met ? "yes" : "**no**"} |`,
  ),
];
console.log(lines.join("\n"));
mkdirSync(join(ROOT, "bench/results"), { recursive: true });
writeFileSync(
  join(ROOT, "bench/results/latest.json"),
  JSON.stringify(
    {
      date,
      machine,
      reps: REPS,
      windowMs: WINDOW_MS,
      threads: THREADS,
      rows,
      cost,
      coldStart: cold,
      only: values.only,
      seconds: (performance.now() - started) / 1000,
    },
    null,
    2,
  ) + "\n",
);
log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
process.exit(0);
