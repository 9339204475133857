/**
 * `npm start` killed (SIGKILL) in the middle of a run and started again on the same data: the run resumes from its
 * last checkpoint — no step runs twice — finishes, and the thread then takes a new run. The real CLI runs as a
 * child process with an on-disk data directory; the graph appends each step's name to a file as it finishes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "lambdagraph-crash-"));
const config = join(dir, "langgraph.json");
writeFileSync(
  config,
  JSON.stringify({ graphs: { steps: `${resolve("test/hardening/fixtures/steps-graph.ts")}:graph` } }),
);
const children = new Set<ChildProcess>();

afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** Starts `npm start`'s CLI on the data directory; resolves with its URL once it serves. */
async function start(): Promise<{ child: ChildProcess; client: Client }> {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "lib/local/cli.ts",
      "--config",
      config,
      "--port",
      "0",
      "--data-dir",
      join(dir, "data"),
      "--no-page",
    ],
    {
      cwd: process.cwd(),
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.add(child);
  child.on("exit", () => children.delete(child));
  let output = "";
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving .* at (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", read);
    child.on("exit", (code) => reject(new Error(`the server exited (${code}): ${output}`)));
  });
  return { child, client: new Client({ apiUrl: url }) };
}

async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const stepsRun = (log: string) => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean) : []);

describe("a run survives the death of npm start", () => {
  it("resumes from its checkpoint after SIGKILL and a restart, no step repeated; the thread then takes a new run", async () => {
    const log = join(dir, "steps.log");
    const first = await start();
    const thread = await first.client.threads.create();
    const run = await first.client.runs.create(thread.thread_id, "steps", { input: { log, delay_ms: 1500 } });
    // Two steps checkpointed (the state reads them), the third one waiting out its delay: kill the process now.
    await poll(
      () => first.client.threads.getState(thread.thread_id),
      (state) => ((state.values as { done?: string[] }).done ?? []).length >= 2,
      "two steps",
    );
    const exited = new Promise((r) => first.child.once("exit", r));
    first.child.kill("SIGKILL");
    await exited;
    const before = stepsRun(log);
    expect(before).toEqual(["s1", "s2"]);

    const second = await start();
    const finished = await poll(
      () => second.client.runs.get(thread.thread_id, run.run_id),
      (r) => r.status !== "running" && r.status !== "pending",
      "the run to finish after the restart",
    );
    expect(finished.status).toBe("success");
    expect(stepsRun(log)).toEqual(["s1", "s2", "s3", "s4", "s5"]);
    const state = await second.client.threads.getState(thread.thread_id);
    expect((state.values as { done: string[] }).done).toEqual(["s1", "s2", "s3", "s4", "s5"]);

    const next = await second.client.runs.wait(thread.thread_id, "steps", { input: { delay_ms: 0 } });
    expect((next as { done: string[] }).done).toHaveLength(10);
    expect((await second.client.threads.get(thread.thread_id)).status).toBe("idle");
    second.child.kill("SIGTERM");
  }, 180_000);
});
