/**
 * `npm start` against `npm start -- --topology aws` (the API and worker functions in processes of their own, an SQS
 * FIFO emulator between them), all started side by side and measured in turn, repetition by repetition, through the
 * official SDK: time to the first token of a 15-token reply, the gaps between tokens of a 50 ms/token model, and
 * `runs.cancel(..., wait = true)` of a running run. Medians; no assertions. Each layout runs in processes of its own
 * (`npm start`'s CLI), apart from this one's client, as a remote client is: a client sharing the event loop of the
 * server (single) or of the embedded DynamoDB (aws) reads its tokens only when that process is free.
 *
 *   npx tsx bench/topology.ts [--reps 5] [--layouts single,queued,foreground] [--before <checkout>]
 *
 * (npm run bench runs it too.) --before: each layout also run from another checkout of the repository (the code
 * before a change, with its node_modules), in the same repetitions, for a before/after at the same load.
 */
import { loadavg } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { Client } from "@langchain/langgraph-sdk";
import { median, percentile } from "./measures.js";
import { startServer } from "./servers.js";

const CONFIG = resolve(import.meta.dirname, "topology/langgraph.json");
const log = (msg: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);

export interface Layout {
  name: string;
  start(): Promise<{ url: string; close(): Promise<void> }>;
}

const cli = async (args: string[], env: NodeJS.ProcessEnv = {}, root?: string) => {
  const server = await startServer("ours", 0, CONFIG, { args: ["--no-page", ...args], env, root });
  return { url: server.url, close: () => server.stop() };
};

/** The layouts by their --layouts name, run from `root` (a checkout; default this one). */
const layoutsAt = (root?: string): Record<string, Layout> => ({
  single: { name: "single process", start: () => cli([], {}, root) },
  queued: {
    name: "--topology aws, every run through SQS",
    start: () => cli(["--topology", "aws"], { LAMBDAGRAPH_FOREGROUND_RUNS: "false" }, root),
  },
  foreground: {
    name: "--topology aws, foreground runs",
    start: () => cli(["--topology", "aws"], { LAMBDAGRAPH_FOREGROUND_RUNS: "true" }, root),
  },
});
const LAYOUTS = Object.values(layoutsAt());

export interface TopologyFigures {
  layout: string;
  firstTokenMs: number;
  gapMedianMs: number;
  gapP90Ms: number;
  cancelWaitMs: number;
  /** Request → end of a 40-token, 50 ms/token streamed run, as the client sees it. */
  streamMs: number;
}

/** Request → first `messages` event, and the arrival times of all of them. */
async function stream(client: Client, tokens: number, sleepMs: number) {
  const thread = await client.threads.create();
  const t0 = performance.now();
  const arrivals: number[] = [];
  for await (const part of client.runs.stream(thread.thread_id, "paced", {
    input: { tokens, sleepMs },
    streamMode: ["messages-tuple"],
  })) {
    if (part.event === "messages") arrivals.push(performance.now() - t0);
  }
  return { arrivals, endMs: performance.now() - t0 };
}

async function cancelWait(client: Client): Promise<number> {
  const thread = await client.threads.create();
  const run = await client.runs.create(thread.thread_id, "paced", { input: { tokens: 400, sleepMs: 50 } });
  for (let i = 0; i < 400; i++) {
    if ((await client.runs.get(thread.thread_id, run.run_id)).status === "running") break;
    await new Promise((r) => setTimeout(r, 25));
  }
  await new Promise((r) => setTimeout(r, 300)); // well into its tokens
  const t0 = performance.now();
  await client.runs.cancel(thread.thread_id, run.run_id, true);
  return performance.now() - t0;
}

export async function topologyFigures(reps = 5, layouts = LAYOUTS): Promise<TopologyFigures[]> {
  const systems = [];
  for (const layout of layouts) systems.push({ layout, system: await layout.start() });
  try {
    const samples = systems.map(() => ({
      first: [] as number[],
      gaps: [] as number[],
      cancel: [] as number[],
      end: [] as number[],
    }));
    const clients = systems.map(({ system }) => new Client({ apiUrl: system.url }));
    for (const client of clients) for (let i = 0; i < 3; i++) await stream(client, 15, 0); // warm up
    for (let rep = 0; rep < reps; rep++) {
      log(`topology: repetition ${rep + 1} of ${reps}`);
      // Ten first tokens a repetition from each layout, taken in turn (one from each, then again): a 15-token reply
      // takes milliseconds, and the machine's speed drifts over seconds; in turn, each layout's samples meet the same.
      for (let k = 0; k < 10; k++)
        for (const [i, client] of clients.entries()) samples[i].first.push((await stream(client, 15, 0)).arrivals[0]);
      for (const [i, client] of clients.entries()) {
        const paced = await stream(client, 40, 50);
        for (let k = 1; k < paced.arrivals.length; k++) samples[i].gaps.push(paced.arrivals[k] - paced.arrivals[k - 1]);
        samples[i].end.push(paced.endMs);
        samples[i].cancel.push(await cancelWait(client));
      }
    }
    return systems.map(({ layout }, i) => ({
      layout: layout.name,
      firstTokenMs: median(samples[i].first),
      gapMedianMs: median(samples[i].gaps),
      gapP90Ms: percentile(samples[i].gaps, 90),
      cancelWaitMs: median(samples[i].cancel),
      streamMs: median(samples[i].end),
    }));
  } finally {
    for (const { system } of systems) await system.close();
  }
}

/** Rows for bench/run.ts's table. */
export async function topologyRows(reps: number) {
  const figures = await topologyFigures(reps);
  return figures.flatMap((f) => [
    { measure: `${f.layout}: first token, 15-token reply`, ours: f.firstTokenMs, unit: "ms" },
    { measure: `${f.layout}: gap between tokens, 50 ms/token, median`, ours: f.gapMedianMs, unit: "ms" },
    { measure: `${f.layout}: gap between tokens, 50 ms/token, p90`, ours: f.gapP90Ms, unit: "ms" },
    { measure: `${f.layout}: cancel(wait) of a running run`, ours: f.cancelWaitMs, unit: "ms" },
  ]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const { values } = parseArgs({
    options: {
      reps: { type: "string", default: "5" },
      layouts: { type: "string", default: "single,queued,foreground" },
      before: { type: "string" },
    },
  });
  const pick = (named: Record<string, Layout>, suffix = "") =>
    values.layouts.split(",").map((name) => {
      const layout = named[name.trim()];
      if (!layout) throw new Error(`--layouts: no layout ${name}; there are ${Object.keys(named).join(", ")}`);
      return { ...layout, name: layout.name + suffix };
    });
  // --before <checkout>: the same layouts run from another checkout (with node_modules), measured in the same rounds.
  const layouts = [
    ...(values.before ? pick(layoutsAt(resolve(values.before)), " (before)") : []),
    ...pick(layoutsAt()),
  ];
  console.log(
    `load average before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(", ")}`,
  );
  const figures = await topologyFigures(Number(values.reps), layouts);
  console.log(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(", ")}`,
  );
  console.log(
    "| layout | first token p50 (15 tokens) | × single | gap median / p90 (50 ms/token) | cancel(wait) | 40-token stream |",
  );
  console.log("|---|---|---|---|---|---|");
  // Each layout's first token against the single process's from the same checkout.
  const single = (f: TopologyFigures) =>
    figures.find((s) => s.layout === layoutsAt().single.name + (f.layout.endsWith(" (before)") ? " (before)" : ""));
  for (const f of figures) {
    const base = single(f);
    const ratio = base ? `${(f.firstTokenMs / base.firstTokenMs).toFixed(2)}×` : "—";
    console.log(
      `| ${f.layout} | ${f.firstTokenMs.toFixed(1)} ms | ${ratio} | ${f.gapMedianMs.toFixed(0)} / ${f.gapP90Ms.toFixed(0)} ms | ${f.cancelWaitMs.toFixed(0)} ms | ${f.streamMs.toFixed(0)} ms |`,
    );
  }
  process.exit(0);
}
