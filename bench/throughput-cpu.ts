/**
 * `npx tsx bench/throughput-cpu.ts [--clients 32] [--window 6000] [--rounds 3] [--against DIR] [--profile DIR]`:
 * our server alone (`npm start`'s CLI, in memory, its own process), driven by SDK clients doing `runs.wait` of the
 * 3-node graph; prints runs/s and the server's CPU per run for each round (CPU per run is steadier than throughput
 * on a shared machine). `--against DIR` starts a second server from another checkout (its lib/, say the commit
 * before a change, from `git archive`) and measures the two in turn, round by round, so both see the same machine.
 * `--profile DIR` runs the servers under `node --cpu-prof`, each writing its profiles to DIR/<this|against> when
 * stopped (the largest is its main thread's).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { median, throughput } from "./measures.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const { values } = parseArgs({
  options: {
    clients: { type: "string", default: "32" },
    window: { type: "string", default: "6000" },
    rounds: { type: "string", default: "3" },
    against: { type: "string" },
    profile: { type: "string" },
  },
});
const ROOT = resolve(import.meta.dirname, "..");

interface Server {
  name: string;
  url: string;
  cpuSeconds(): number;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const probe = createServer();
    probe.once("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => ok(port));
    });
  });
}

/** `npm start`'s CLI of the checkout at `root`, in memory, on this repository's bench graphs. */
async function start(name: string, root: string): Promise<Server> {
  const loader = pathToFileURL(join(ROOT, "node_modules/tsx/dist/loader.mjs")).href;
  // A directory per server: its main thread and tsx's loader thread each write a profile there.
  const profile = values.profile ? ["--cpu-prof", `--cpu-prof-dir=${join(values.profile, name)}`] : [];
  const args = [...profile, "--import", loader, join(root, "lib/local/cli.ts"), "--in-memory"];
  args.push("--port", String(await freePort()), "--config", join(ROOT, "bench/langgraph.json"));
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: "error" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((ok, fail) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /serving .* at (http:\/\/\S+)/.exec(out);
      if (match) ok(match[1]);
    });
    child.once("exit", (code) => fail(new Error(`${name} server exited (${code}): ${out}`)));
  });
  const cpuSeconds = () => {
    const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  };
  const stop = () =>
    new Promise<void>((ok) => {
      if (child.exitCode !== null) return ok();
      child.once("exit", () => ok());
      child.kill("SIGINT");
    });
  return { name, url, cpuSeconds, stop };
}

const servers = [await start("this", ROOT)];
if (values.against) servers.push(await start("against", resolve(values.against)));
const figures = new Map<string, { rate: number[]; cpu: number[] }>(servers.map((s) => [s.name, { rate: [], cpu: [] }]));
try {
  for (const server of servers) for (let i = 0; i < 3; i++) await throughput(server.url, 2, 300);
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const server of servers) {
      const cpu0 = server.cpuSeconds();
      const f = await throughput(server.url, Number(values.clients), Number(values.window));
      const cpuMs = ((server.cpuSeconds() - cpu0) * 1000) / f.runs;
      figures.get(server.name)!.rate.push(f.runsPerSecond);
      figures.get(server.name)!.cpu.push(cpuMs);
      console.log(
        `${server.name} round ${round + 1}: ${f.runsPerSecond.toFixed(1)} runs/s, ${cpuMs.toFixed(1)} ms CPU/run`,
      );
    }
  }
  for (const [name, f] of figures)
    console.log(`${name} median: ${median(f.rate).toFixed(1)} runs/s, ${median(f.cpu).toFixed(1)} ms CPU/run`);
} finally {
  for (const server of servers) await server.stop();
}
