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
import { median, percentile, rest, seedThreads, streaming, throughput } from "./measures.js";
import { startServer, type RunningServer } from "./servers.js";
import { topologyRows } from "./topology.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const { values } = parseArgs({
  options: {
    reps: { type: "string", default: "5" },
    window: { type: "string", default: "3000" },
    threads: { type: "string", default: "10000" },
  },
});
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

async function paired(
  measure: string,
  unit: string,
  run: (server: RunningServer) => Promise<number>,
  servers: RunningServer[],
  target?: (ours: number, ratio: number) => [string, boolean],
) {
  const ours: number[] = [];
  const theirs: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const o = await run(servers[0]);
    const t = await run(servers[1]);
    ours.push(o);
    theirs.push(t);
    ratios.push(o / t);
  }
  const row: Row = { measure, ours: median(ours), official: median(theirs), ratio: median(ratios), unit };
  if (target) [row.target, row.met] = target(row.ours, row.ratio!);
  rows.push(row);
  log(
    `${measure}: ours ${row.ours.toFixed(1)} ${unit}, official ${row.official!.toFixed(1)} ${unit}, ratio ${row.ratio!.toFixed(2)}`,
  );
}

const started = performance.now();
log("starting both servers");
const servers = [await startServer("ours", 2101), await startServer("official", 2102)];
try {
  for (const server of servers) for (let i = 0; i < 3; i++) await throughput(server.url, 2, 300); // warm up

  log(`1. run throughput (${WINDOW_MS} ms windows)`);
  for (const clients of [1, 8, 32]) {
    await paired(
      `runs.wait throughput, 3-node graph, ${clients} client${clients > 1 ? "s" : ""}`,
      "runs/s",
      (s) => throughput(s.url, clients, WINDOW_MS),
      servers,
      clients > 1 ? (_o, r) => ["≥ official", r >= 1] : undefined,
    );
  }

  log("2. streaming latency (500 tokens)");
  const streams: Record<string, Awaited<ReturnType<typeof streaming>>[]> = { ours: [], official: [] };
  await paired(
    "first token",
    "ms",
    async (s) => {
      const figures = await streaming(s.url);
      streams[s.kind].push(figures);
      return figures.firstTokenMs;
    },
    servers,
    (_o, r) => ["≤ 1.2× official", r <= 1.2],
  );
  const pairedFrom = (measure: string, unit: string, pick: (f: Awaited<ReturnType<typeof streaming>>) => number) => {
    const ratios = streams.ours.map((f, i) => pick(f) / pick(streams.official[i]));
    rows.push({
      measure,
      ours: median(streams.ours.map(pick)),
      official: median(streams.official.map(pick)),
      ratio: median(ratios),
      unit,
    });
  };
  pairedFrom("500 tokens: request → end", "ms", (f) => f.endMs);
  pairedFrom("500 tokens: events delivered per second", "events/s", (f) => f.eventsPerSecond);

  log(`3. REST latency with ${THREADS} threads stored (seeding…)`);
  const seeded = {
    ours: await seedThreads(servers[0].url, THREADS),
    official: await seedThreads(servers[1].url, THREADS),
  };
  const restRuns: Record<string, Awaited<ReturnType<typeof rest>>[]> = { ours: [], official: [] };
  for (let i = 0; i < REPS; i++) {
    for (const s of servers) restRuns[s.kind].push(await rest(s.url, seeded[s.kind as "ours" | "official"], 40));
  }
  for (const call of ["get", "getState", "search"] as const) {
    for (const p of [50, 99]) {
      const pick = (runsOf: string) => restRuns[runsOf].map((r) => percentile(r[call], p));
      const ratios = pick("ours").map((o, i) => o / pick("official")[i]);
      rows.push({
        measure: `threads.${call}${call === "search" ? "({limit: 20})" : ""} p${p}`,
        ours: median(pick("ours")),
        official: median(pick("official")),
        ratio: median(ratios),
        unit: "ms",
      });
    }
  }
} finally {
  for (const s of servers) await s.stop();
}

log("4. storage cost per run (ours, in-process, metered)");
const cost = await storageCost(REPS);
const perToken = cost.stream.eventLogWrites / cost.stream.tokens;
rows.push(
  {
    measure: "simple run (runs.wait, 3 nodes): DynamoDB requests / WRU / RRU",
    ours: cost.wait.requests,
    unit: `requests (${cost.wait.writeUnits} WRU, ${cost.wait.readUnits} RRU, ${cost.wait.itemsWritten} items, ${(cost.wait.requestBytes / 1024).toFixed(1)} KB)`,
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

log("5. cold start");
const cold = await coldStart(REPS);
rows.push(
  { measure: "API bundle size", ours: cold.bundleBytes.api / 1024 / 1024, unit: "MB" },
  { measure: "worker bundle size", ours: cold.bundleBytes.worker / 1024 / 1024, unit: "MB" },
  { measure: "fresh process: import the API bundle", ours: median(cold.importMs), unit: "ms" },
  { measure: "fresh process: start → first response (POST /threads)", ours: median(cold.firstResponseMs), unit: "ms" },
);

log("6. npm start against --topology aws (bench/topology.ts)");
rows.push(...(await topologyRows(REPS)));

const fmt = (x: number | undefined, digits = 1) =>
  x === undefined || Number.isNaN(x) ? "—" : x >= 100 ? x.toFixed(0) : x.toFixed(digits);
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
      seconds: (performance.now() - started) / 1000,
    },
    null,
    2,
  ) + "\n",
);
log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
process.exit(0);
