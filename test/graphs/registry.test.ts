import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
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
        graphs: { compiled: "./src/compiled.mjs:graph", uncompiled: "./src/uncompiled.mts:builder", factory: "./src/factory.mjs:make", byDefault: "./src/default.mjs" },
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
      [{ "langgraph.json": JSON.stringify({ graphs: { g: "./nope.mjs:graph" } }) }, /Graph "g" \(\.\/nope\.mjs:graph\): file not found/],
      [{ "langgraph.json": JSON.stringify({ graphs: { g: "./a.mjs:missing" } }), "a.mjs": "export const graph = 1;" }, /export "missing" not found/],
      [{ "langgraph.json": JSON.stringify({ graphs: { g: "./a.mjs:graph" } }), "a.mjs": "export const graph = { hello: 1 };" }, /is not a LangGraph graph/],
      [{ "langgraph.json": "{ not json" }, /is not valid JSON/],
      [{ "langgraph.json": JSON.stringify({ graphs: { g: 42 } }) }, /graphs\.g: /],
      [{ "langgraph.json": JSON.stringify({ graphs: {} }) }, /at least one graph/],
    ];
    for (const [files, message] of cases) {
      const dir = project(files);
      await expect(loadGraphs(join(dir, "langgraph.json"))).rejects.toThrow(message);
    }
    await expect(loadGraphs(join(tmpdir(), "no-such-dir", "langgraph.json"))).rejects.toThrow(/langgraph config not found/);
  });
});
