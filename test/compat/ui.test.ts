/**
 * langgraph.json `ui` (generative UI): the components bundled for the browser at start, and served as the
 * official server serves them, so `client["~ui"].getComponent` and `LoadExternalComponent` work.
 */
import { createRequire } from "node:module";
import { runInNewContext } from "node:vm";
import { createElement, type FunctionComponent } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@langchain/langgraph-sdk";
import { localServer } from "../helpers/sdk.js";
import type { LocalSystem } from "../../lib/local/start.js";

let system: LocalSystem;
let client: Client;

beforeAll(async () => {
  ({ system, client } = await localServer({ config: "test/compat/graphs/extensions/langgraph.json" }));
}, 60_000);
afterAll(async () => {
  await system?.close();
});

describe("generative UI", () => {
  it("getComponent answers the HTML that loads the graph's bundle, with URLs on the request's host", async () => {
    const html = await client["~ui"].getComponent("agent", "weather");
    const base = `${system.url}/ui/agent`;
    expect(html.split("\n")).toEqual([
      `<link rel="stylesheet" href="${base}/entrypoint.css" />`,
      `<script src="${base}/entrypoint.js" onload='__LGUI_agent.render("weather", "{{shadowRootId}}")'></script>`,
    ]);
  });

  it("serves the bundle, which renders the named component where LoadExternalComponent asks", async () => {
    const html = await client["~ui"].getComponent("agent", "weather");
    const src = /src="([^"]+)"/.exec(html)![1];
    const res = await fetch(src);
    expect(res.headers.get("content-type")).toMatch(/javascript/);
    const js = await res.text();
    expect(js).toContain('globalThis[Symbol.for("LGUI_REQUIRE")]'); // react comes from the host page

    // What LoadExternalComponent does in the browser: run the script, then call render(name, shadowRootId); the
    // bundle hands the component to the page's store. Here with react from this project and a minimal DOM.
    let rendered: FunctionComponent<{ city: string; degrees: number }> | undefined;
    const requireFromHost = createRequire(import.meta.url);
    const sandbox: Record<string | symbol, unknown> = {
      [Symbol.for("LGUI_REQUIRE")]: (name: string) => requireFromHost(name),
      document: { getElementById: () => ({ shadowRoot: { appendChild: () => undefined } }), createElement: () => ({}) },
      window: {
        [Symbol.for("LGUI_EXT_STORE")]: {
          respond: (_id: string, component: typeof rendered) => (rendered = component),
        },
      },
    };
    runInNewContext(js, sandbox);
    (sandbox.__LGUI_agent as { render: (name: string, root: string) => void }).render("weather", "root-1");
    expect(renderToStaticMarkup(createElement(rendered!, { city: "Paris", degrees: 21 }))).toBe(
      '<div class="weather-card">Paris: 21°</div>',
    );

    const css = await fetch(`${system.url}/ui/agent/entrypoint.css`);
    expect(css.headers.get("content-type")).toMatch(/text\/css/);
    expect(await css.text()).toContain(".weather-card");
  });

  it("answers 404 for a graph without UI and for a file that is not in the bundle", async () => {
    await expect(client["~ui"].getComponent("no-such-graph", "weather")).rejects.toThrow(/404/);
    const missing = await fetch(`${system.url}/ui/agent/nothing.js`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe("File not found");
  });
});
