/**
 * The package as a user gets it: `npm pack` here, the tarball installed into a scratch copy of examples/my-agents
 * (a project holding only its langgraph.json, a graph, an auth file, a CDK app and its own package.json; npm
 * install from the registry, cache first). There `npx lambdagraph dev` serves the project's graph to the SDK,
 * `npx lambdagraph build` bundles it, and `npx cdk synth` synthesizes its app's `lambdagraph/cdk` construct.
 * Slow by nature (pack, install, the graphs' schemas, two bundlings of both functions): 14 minutes on a machine
 * loaded 10x over its cores; a few minutes on a quiet one.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const EXAMPLE = join(ROOT, "examples/my-agents");
const MINUTES = 60_000;

// The children are npm and the user's tools, not vitest's: no test-mode environment leaks into them.
const childEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^(VITEST|NODE_ENV$|NODE_OPTIONS$)/.test(name)),
);
childEnv.CDK_DISABLE_CLI_TELEMETRY = "true";

let scratch: string;
let project: string;
let tarball: string;
let dev: ChildProcess | undefined;

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, env: childEnv, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} failed (${result.status}) in ${cwd}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "lambdagraph-package-"));
  const packed = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", scratch], ROOT)) as {
    filename: string;
  }[];
  tarball = join(scratch, packed[0]!.filename);
  console.log(`tarball: ${(statSync(tarball).size / 1024).toFixed(0)} kB (${tarball})`);

  project = join(scratch, "my-agents");
  cpSync(EXAMPLE, project, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(project, "package.json"), "utf8"));
  manifest.devDependencies.lambdagraph = `file:${tarball}`; // the example names ../../lambdagraph-<version>.tgz
  writeFileSync(join(project, "package.json"), JSON.stringify(manifest, null, 2));
  run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], project);
}, 20 * MINUTES);

afterAll(() => {
  if (dev?.pid && dev.exitCode === null) process.kill(-dev.pid, "SIGTERM"); // npx and the server it started
  if (scratch) rmSync(scratch, { recursive: true, force: true }); // ~400 MB of node_modules
}, 5 * MINUTES);

describe("the packed package in a user's project", () => {
  it("ships compiled JavaScript with types and the built chat page; no sources, tests, benchmarks", () => {
    const files = run("tar", ["tzf", tarball], scratch).trim().split("\n");
    expect(files).toEqual(
      expect.arrayContaining([
        "package/dist/bin/lambdagraph.js",
        "package/dist/infra/cdk.js",
        "package/dist/infra/cdk.d.ts",
        "package/dist/web/dist/index.html",
      ]),
    );
    expect(files.filter((f) => /\.ts$/.test(f) && !/\.d\.ts$/.test(f))).toEqual([]);
    expect(files.filter((f) => /^package\/(test|bench|examples|web|lib|infra|functions)\//.test(f))).toEqual([]);
  });

  it("resolves @langchain/langgraph from the project: one copy, the project's", () => {
    expect(existsSync(join(project, "node_modules/@langchain/langgraph/package.json"))).toBe(true);
    expect(existsSync(join(project, "node_modules/lambdagraph/node_modules/@langchain/langgraph"))).toBe(false);
  });

  it(
    "npx lambdagraph dev serves the project's graph to the SDK, and the chat page",
    async () => {
      dev = spawn("npx", ["lambdagraph", "dev", "--port", "0", "--in-memory"], {
        cwd: project,
        env: childEnv,
        detached: true, // its own process group, stopped as one in afterAll
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      const url = await new Promise<string>((resolveUrl, reject) => {
        const read = (chunk: Buffer) => {
          output += chunk.toString();
          const served = output.match(/serving agent at (http:\/\/\S+)/);
          if (served) resolveUrl(served[1]!);
        };
        dev!.stdout!.on("data", read);
        dev!.stderr!.on("data", read);
        dev!.on("exit", (code) => reject(new Error(`lambdagraph dev exited (${code}):\n${output}`)));
      });

      // The example's auth file takes the bearer token as the user's id (where custom auth is honoured).
      const client = new Client({ apiUrl: url, defaultHeaders: { authorization: "Bearer alice" } });
      const thread = await client.threads.create();
      const state = (await client.runs.wait(thread.thread_id, "agent", {
        input: { messages: [{ role: "user", content: "hello" }] },
      })) as { messages: { type: string; content: string }[] };
      expect(state.messages.map((m) => [m.type, m.content])).toEqual([
        ["human", "hello"],
        ["ai", "message 1 received: hello"],
      ]);
      expect((await client.threads.getState(thread.thread_id)).values).toEqual(state);

      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("<html");
    },
    5 * MINUTES,
  );

  it(
    "npx lambdagraph build bundles the project's graphs and prints the sizes",
    () => {
      const printed = run("npx", ["lambdagraph", "build"], project);
      console.log(printed.trim());
      expect(printed).toMatch(/^api\s+[\d.]+ MB/m);
      expect(printed).toMatch(/^worker\s+[\d.]+ MB/m);
      expect(existsSync(join(project, ".lambdagraph/dist/api.mjs"))).toBe(true);
      expect(existsSync(join(project, ".lambdagraph/dist/worker.mjs"))).toBe(true);
    },
    10 * MINUTES,
  );

  it(
    "npx cdk synth synthesizes the project's app with LangGraphPlatform from lambdagraph/cdk",
    () => {
      run("npx", ["cdk", "synth", "--quiet", "--no-notices"], project);
      const out = join(project, "cdk.out");
      const template = JSON.parse(readFileSync(join(out, "MyAgents.template.json"), "utf8")) as {
        Resources: Record<string, { Type: string; Properties: Record<string, any> }>;
      };
      const resources = Object.values(template.Resources);
      expect(
        resources.filter((r) => r.Type === "AWS::Lambda::Function" && r.Properties.Runtime === "nodejs22.x"),
      ).toHaveLength(2);
      const url = resources.find((r) => r.Type === "AWS::Lambda::Url")!;
      expect(url.Properties.InvokeMode).toBe("RESPONSE_STREAM");
      expect(url.Properties.Cors.AllowOrigins).toEqual(["https://smith.langchain.com"]);
      expect(url.Properties.Cors.ExposeHeaders).toEqual(
        expect.arrayContaining(["content-location", "x-pagination-total"]),
      );
      // Both functions bundled from the project's own node_modules.
      const bundles = readdirSync(out).filter((f) => f.startsWith("asset.") && existsSync(join(out, f, "index.mjs")));
      expect(bundles).toHaveLength(2);
    },
    10 * MINUTES,
  );
});
