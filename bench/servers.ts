/** The two servers under test, each in its own child process, on the same langgraph.json. */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const TSX_LOADER = pathToFileURL(resolve(import.meta.dirname, "../node_modules/tsx/dist/loader.mjs")).href;

export type ServerKind = "ours" | "official";

export interface RunningServer {
  kind: ServerKind;
  url: string;
  /** CPU seconds (user + system, all threads) the server process has used so far (Linux /proc; NaN elsewhere). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, "..");

/** CPU seconds a process has used so far, from /proc/<pid>/stat: utime + stime, in 100 Hz clock ticks. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

export async function startServer(
  kind: ServerKind,
  port: number,
  config = join(ROOT, "bench/langgraph.json"),
  /**
   * More `npm start` flags for ours (`--topology aws`), environment for the server, and (ours) the checkout to run it
   * from (default this one: another is the code before a change, for a before/after in one run).
   */
  extra: { args?: string[]; env?: NodeJS.ProcessEnv; root?: string } = {},
): Promise<RunningServer> {
  const args =
    kind === "ours"
      ? [
          join(extra.root ?? ROOT, "lib/local/cli.ts"),
          "--in-memory",
          "--port",
          String(port),
          "--config",
          config,
          ...(extra.args ?? []),
        ]
      : [join(ROOT, "bench/official-server.ts"), "--port", String(port), "--config", config];
  // The official server keeps its state file in the working directory: give it a fresh one.
  const cwd = kind === "official" ? mkdtempSync(join(tmpdir(), "lg-official-")) : (extra.root ?? ROOT);
  // node with tsx's loader (not the tsx CLI, which runs node as a child): the server is this pid, for its CPU time.
  // tsx's loader by its path: the official server runs in a scratch directory, from which "tsx" does not resolve.
  const child = spawn(process.execPath, ["--import", TSX_LOADER, ...args], {
    cwd,
    env: { ...process.env, LOG_LEVEL: "error", AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...extra.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const ready = kind === "ours" ? /serving .* at (http:\/\/\S+)/ : /ready (http:\/\/\S+)/;
  const url = await new Promise<string>((resolvePromise, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${kind} server did not start:\n${out}`)), 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = ready.exec(out);
      if (match) {
        clearTimeout(timer);
        resolvePromise(match[1]);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.once("exit", (code) => reject(new Error(`${kind} server exited (${code}):\n${out}`)));
  });
  child.stdout!.resume();
  child.stderr!.resume();
  return { kind, url, cpuSeconds: () => cpuSeconds(child.pid!), stop: () => stop(child) };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolvePromise) => {
    if (child.exitCode !== null) return resolvePromise();
    child.once("exit", () => resolvePromise());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 5_000).unref();
  });
}
