/**
 * How the local server reaches its embedded dynalite, compared: over loopback HTTP with SigV4 (`http`, as before) and
 * in process (`in-process`, the default). Each variant is a fresh `--in-memory` server process (env
 * LAMBDAGRAPH_DYNAMO_TRANSPORT); rounds interleave the variants, and figures are medians over rounds.
 * Prints runs.wait throughput at 1, 8 and 32 clients and the server's CPU time per run (user + system, all threads).
 *
 *   npx tsx bench/transports.ts [--rounds 3] [--window 3000]
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Client } from "@langchain/langgraph-sdk";
import { median } from "./measures.js";

const { values } = parseArgs({
  options: { rounds: { type: "string", default: "3" }, window: { type: "string", default: "3000" } },
});
const ROUNDS = Number(values.rounds);
const WINDOW_MS = Number(values.window);
const ROOT = resolve(import.meta.dirname, "..");
const VARIANTS = ["http", "in-process"] as const;
const CLIENTS = [1, 8, 32];

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 Hz)
}

async function start(variant: string, port: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      join(ROOT, "lib/local/cli.ts"),
      "--in-memory",
      "--port",
      String(port),
      "--config",
      join(ROOT, "bench/langgraph.json"),
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        LAMBDAGRAPH_DYNAMO_TRANSPORT: variant,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const url = await new Promise<string>((res, rej) => {
    let out = "";
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /serving .* at (http:\/\/\S+)/.exec(out);
      if (m) res(m[1]);
    });
    child.once("exit", (code) => rej(new Error(`${variant} server exited (${code}): ${out}`)));
  });
  child.stdout!.resume();
  return { child, url };
}

/** Runs per second of `clients` loops of runs.wait, over the time until the last one ends (none cut off). */
async function throughput(url: string, clients: number, windowMs: number): Promise<number> {
  const client = new Client({ apiUrl: url });
  const threads = await Promise.all(Array.from({ length: clients }, () => client.threads.create()));
  const start = performance.now();
  let completed = 0;
  await Promise.all(
    threads.map(async (thread) => {
      while (performance.now() < start + windowMs) {
        await client.runs.wait(thread.thread_id, "three", { input: { n: 0 } });
        completed++;
      }
    }),
  );
  return completed / ((performance.now() - start) / 1000);
}

type Figures = Record<string, { runsPerSecond: number; cpuMsPerRun: number }>;
const results: Record<string, Figures[]> = Object.fromEntries(VARIANTS.map((v) => [v, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const variant of VARIANTS) {
    const { child, url } = await start(variant, 2200 + round * 10 + VARIANTS.indexOf(variant));
    await throughput(url, 4, 2000); // warm up
    const figures: Figures = {};
    for (const clients of CLIENTS) {
      const cpu0 = cpuSeconds(child.pid!);
      const t0 = performance.now();
      const runsPerSecond = await throughput(url, clients, WINDOW_MS);
      const runs = runsPerSecond * ((performance.now() - t0) / 1000);
      figures[clients] = { runsPerSecond, cpuMsPerRun: ((cpuSeconds(child.pid!) - cpu0) * 1000) / runs };
    }
    results[variant].push(figures);
    process.stderr.write(`round ${round + 1} ${variant}: ${JSON.stringify(figures)}\n`);
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
  }
}
console.log(
  `| transport | ${CLIENTS.map((c) => `runs/s, ${c} client${c > 1 ? "s" : ""}`).join(" | ")} | CPU ms per run (32 clients) |`,
);
console.log(`|---|${CLIENTS.map(() => "---|").join("")}---|`);
for (const variant of VARIANTS) {
  const pick = (c: number, f: "runsPerSecond" | "cpuMsPerRun") => median(results[variant].map((r) => r[c][f]));
  console.log(
    `| ${variant} | ${CLIENTS.map((c) => pick(c, "runsPerSecond").toFixed(1)).join(" | ")} | ${pick(32, "cpuMsPerRun").toFixed(1)} |`,
  );
}
process.exit(0);
