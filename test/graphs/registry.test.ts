import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { graphDefaultsFromEnv, unhonouredKeys } from "../../lib/graphs/config.js";
import { createSdkLogger } from "../../lib/graphs/logger.js";
import { loadGraphs } from "../../lib/graphs/registry.js";

/** A throwaway project folder with its own langgraph.json and graph files. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "lg-project-"));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

// Graph files import @langchain/langgraph from this repository's node_modules by absolute path: a temp folder
// has no node_modules of its own.
const langgraph = JSON.stringify(resolve("node_modules/@langchain/langgraph/dist/index.js"));

describe("loadGraphs", () => {
  it("loads .mjs and .mts graphs whose imports resolve from their own project, compiled, uncompiled or by factory", async () => {
    const dir = project({
      "langgraph.json": JSON.stringify({
        graphs: {
          compiled: "./src/compiled.mjs:graph",
          uncompiled: "./src/uncompiled.mts:builder",
          factory: "./src/factory.mjs:make",
          byDefault: "./src/default.mjs",
        },
        env: { LG_TEST_GREETING: "hello from env" },
      }),
      "src/shared.mjs": `export const greet = () => process.env.LG_TEST_GREETING;`,
      "src/compiled.mjs": `import { StateGraph, Annotation, START } from ${langgraph};
import { greet } from "./shared.mjs";
const S = Annotation.Root({ msg: Annotation() });
export const graph = new StateGraph(S).addNode("n", () => ({ msg: greet() })).addEdge(START, "n").compile();`,
      "src/uncompiled.mts": `import { StateGraph, Annotation, START } from ${langgraph};
const S = Annotation.Root({ n: Annotation<number>() });
export const builder = new StateGraph(S).addNode("inc", (s: { n: number }) => ({ n: s.n + 1 })).addEdge(START, "inc");`,
      "src/factory.mjs": `import { StateGraph, Annotation, START } from ${langgraph};
const S = Annotation.Root({ x: Annotation() });
export const make = async () => new StateGraph(S).addNode("a", () => ({ x: "made" })).addEdge(START, "a").compile();`,
      "src/default.mjs": `import { StateGraph, Annotation, START } from ${langgraph};
const S = Annotation.Root({ d: Annotation() });
export default new StateGraph(S).addNode("setD", () => ({ d: 1 })).addEdge(START, "setD").compile();`,
    });
    const registry = await loadGraphs(join(dir, "langgraph.json"));
    expect(registry.ids().sort()).toEqual(["byDefault", "compiled", "factory", "uncompiled"]);
    expect(await (await registry.get("compiled")).invoke({})).toEqual({ msg: "hello from env" });
    expect(await (await registry.get("uncompiled")).invoke({ n: 1 })).toEqual({ n: 2 });
    expect(await (await registry.get("factory")).invoke({})).toEqual({ x: "made" });
    expect(await (await registry.get("byDefault")).invoke({})).toEqual({ d: 1 });
  });

  it("names the problem: missing file, missing export, not a graph, bad JSON, wrong field type", async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [
        { "langgraph.json": JSON.stringify({ graphs: { g: "./nope.mjs:graph" } }) },
        /Graph "g" \(\.\/nope\.mjs:graph\): file not found/,
      ],
      [
        { "langgraph.json": JSON.stringify({ graphs: { g: "./a.mjs:missing" } }), "a.mjs": "export const graph = 1;" },
        /export "missing" not found/,
      ],
      [
        {
          "langgraph.json": JSON.stringify({ graphs: { g: "./a.mjs:graph" } }),
          "a.mjs": "export const graph = { hello: 1 };",
        },
        /is not a LangGraph graph/,
      ],
      [{ "langgraph.json": "{ not json" }, /is not valid JSON/],
      [{ "langgraph.json": JSON.stringify({ graphs: { g: 42 } }) }, /graphs\.g: /],
      [{ "langgraph.json": JSON.stringify({ graphs: {} }) }, /at least one graph/],
    ];
    for (const [files, message] of cases) {
      const dir = project(files);
      await expect(loadGraphs(join(dir, "langgraph.json"))).rejects.toThrow(message);
    }
    await expect(loadGraphs(join(tmpdir(), "no-such-dir", "langgraph.json"))).rejects.toThrow(
      /langgraph config not found/,
    );
  });
});

describe("graph exports and factories", () => {
  const factoryProject = () =>
    project({
      "langgraph.json": JSON.stringify({
        graphs: { made: "./made.mjs:graph", shared: "./shared.mjs:graph", promised: "./promised.mjs:graph" },
      }),
      "made.mjs": `import { StateGraph, Annotation, START } from ${langgraph};
export const calls = [];
export const graph = async (config, runtime) => {
  calls.push({ configurable: config.configurable, runtime });
  const name = config.configurable?.nodeName ?? "plain";
  return new StateGraph(Annotation.Root({ seen: Annotation() })).addNode(name, () => ({ seen: name })).addEdge(START, name);
};`,
      "shared.mjs": `import { StateGraph, Annotation, START } from ${langgraph};
export const graph = new StateGraph(Annotation.Root({ v: Annotation() })).addNode("n", () => ({ v: 1 })).addEdge(START, "n").compile();`,
      "promised.mjs": `import { StateGraph, Annotation, START } from ${langgraph};
export const graph = Promise.resolve(new StateGraph(Annotation.Root({ p: Annotation() })).addNode("n", () => ({ p: "resolved" })).addEdge(START, "n"));`,
    });

  it("calls a factory per use with the config and access context asked for; a Promise export is awaited once", async () => {
    const broken = project({
      "langgraph.json": JSON.stringify({ graphs: { broken: "./broken.mjs:graph" } }),
      "broken.mjs": `export const graph = (async () => { throw new Error("no model key"); })();`,
    });
    await expect(loadGraphs(join(broken, "langgraph.json"))).rejects.toThrow(
      /Graph "broken".*Promise that rejected: no model key/,
    );
    const dir = factoryProject();
    const registry = await loadGraphs(join(dir, "langgraph.json"));
    const { calls } = (await import(pathToFileURL(join(dir, "made.mjs")).href)) as {
      calls: { configurable: unknown; runtime: unknown }[];
    };

    const forRun = await registry.get("made", {
      config: { configurable: { nodeName: "picked" } },
      access: "threads.create_run",
      context: { tone: "dry" },
    });
    expect(await forRun.invoke({})).toEqual({ seen: "picked" });
    expect(calls.at(-1)).toEqual({
      configurable: { nodeName: "picked" },
      runtime: { accessContext: "threads.create_run", executionRuntime: { context: { tone: "dry" } } },
    });

    const forState = await registry.get("made", {
      config: async () => ({ configurable: { nodeName: "later" } }),
      access: "threads.read",
    });
    expect(Object.keys(forState.nodes)).toContain("later");
    expect(calls.at(-1)?.runtime).toEqual({ accessContext: "threads.read", executionRuntime: null });

    const drawn = (await registry.drawable("made", false, { configurable: { nodeName: "drawn" } })) as {
      nodes: { id: string }[];
    };
    expect(drawn.nodes.map((n) => n.id)).toEqual(["__start__", "drawn", "__end__"]);
    expect(calls.at(-1)?.runtime).toEqual({ accessContext: "assistants.read", executionRuntime: null });

    // Graphs that are not factories never ask for the config (state reads would otherwise look it up).
    let asked = 0;
    const config = async () => (asked++, {});
    expect(await (await registry.get("shared", { config })).invoke({})).toEqual({ v: 1 });
    expect(await (await registry.get("promised", { config })).invoke({})).toEqual({ p: "resolved" });
    expect(asked).toBe(0);
  });
});

describe("langgraph.json keys and LANGGRAPH_CONFIG", () => {
  it("names every key and sub-key it does not honour", () => {
    expect(
      unhonouredKeys({
        $schema: "x",
        graphs: { a: "./a.ts:graph", b: { path: "./b.ts:graph", description: "B" } },
        env: ".env",
        http: { app: "./app.ts:app", mount_prefix: "/api" },
        store: { ttl: {}, index: {} },
        auth: { path: "./auth.ts:auth", disable_studio_auth: true, openapi: {} },
        dockerfile_lines: [],
      }),
    ).toEqual(["graphs.b.description", "http.mount_prefix", "store.index", "auth.openapi", "dockerfile_lines"]);
  });

  it("splits each graph's LANGGRAPH_CONFIG entry into config and context, and names the variable when it is not JSON", () => {
    expect(
      graphDefaultsFromEnv({
        LANGGRAPH_CONFIG: JSON.stringify({ g: { configurable: { k: 1 }, tags: ["t"], context: { c: 2 } } }),
      }),
    ).toEqual({
      g: { config: { configurable: { k: 1 }, tags: ["t"] }, context: { c: 2 } },
    });
    expect(() => graphDefaultsFromEnv({ LANGGRAPH_CONFIG: "{nope" })).toThrow(/LANGGRAPH_CONFIG/);
  });
});

describe("the logger graphs get from getLogger()", () => {
  it("writes one JSON line per call with the level, message and metadata, below the level threshold only", () => {
    const lines: string[] = [];
    const logger = createSdkLogger({ level: "info", sink: (_level, line) => lines.push(line) });
    logger.info("hello", { user: "u1" }).debug("hidden");
    logger.error(new Error("boom"));
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { level: "info", msg: "hello", user: "u1" },
      expect.objectContaining({ level: "error", msg: "boom", stack: expect.stringContaining("boom") }),
    ]);
  });
});
