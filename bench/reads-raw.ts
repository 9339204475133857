/**
 * Where the read time goes, ours beside the official server: a bare keep-alive HTTP client (no SDK) times GET /ok
 * (the pipeline alone), GET /threads/:id and GET /threads/:id/state. `npx tsx bench/reads-raw.ts [--calls 2000]`
 */
import { Agent, request } from "node:http";
import { parseArgs } from "node:util";
import { Client } from "@langchain/langgraph-sdk";
import { median } from "./measures.js";
import { startServer, type RunningServer } from "./servers.js";

const { values } = parseArgs({ options: { calls: { type: "string", default: "2000" } } });
const CALLS = Number(values.calls);
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const get = (url: string) =>
  new Promise<void>((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on("end", () => resolve());
    });
    req.on("error", reject);
    req.end();
  });
const servers: RunningServer[] = [await startServer("ours", 2123), await startServer("official", 2124)];
try {
  const paths: Record<string, Record<string, string>> = {};
  for (const s of servers) {
    const client = new Client({ apiUrl: s.url });
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, "three", { input: { n: 1 } });
    paths[s.kind] = { ok: "/ok", get: `/threads/${thread.thread_id}`, state: `/threads/${thread.thread_id}/state` };
  }
  const samples: Record<string, number[]> = {};
  for (let i = 0; i < CALLS + 200; i++)
    for (const call of ["ok", "get", "state"])
      for (const s of servers) {
        const t0 = performance.now();
        await get(s.url + paths[s.kind][call]);
        if (i >= 200) (samples[`${s.kind} ${call}`] ??= []).push(performance.now() - t0);
      }
  const cpu = servers.map((s) => `${s.kind} cpu ${s.cpuSeconds().toFixed(1)} s`).join(", ");
  for (const call of ["ok", "get", "state"]) {
    const [ours, theirs] = [median(samples[`ours ${call}`]), median(samples[`official ${call}`])];
    console.log(
      `${call.padEnd(6)} ours ${ours.toFixed(3)} ms  official ${theirs.toFixed(3)} ms  ratio ${(ours / theirs).toFixed(2)}`,
    );
  }
  console.log(cpu);
} finally {
  for (const s of servers) await s.stop();
}
process.exit(0);
