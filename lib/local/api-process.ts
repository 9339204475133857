/**
 * The API function's process under `npm start -- --topology aws` (lib/local/aws-topology.ts starts it): the exact
 * handler of functions/api.ts behind the local function URL front end (http-server.ts), configured only by the
 * environment the stack sets. Its one argument, JSON, is the front end's: port, host, the chat page's folder.
 * langgraph.json's http.app and ui are registered as the API bundle's generated entry registers them
 * (lib/extensions/bundle-entry.ts). SIGTERM or SIGINT: stop listening, exit.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ENV } from "../config/env.js";
import { registerExtensions } from "../extensions/bundled.js";
import { splitModuleSpec } from "../extensions/config.js";
import { buildUi } from "../extensions/ui-build.js";
import { loadConfig } from "../graphs/config.js";
import { getPlatform } from "../runtime.js";
import { startLocalServer } from "./http-server.js";
import { installAwslambdaGlobal } from "./streamify-shim.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const front = JSON.parse(process.argv[2] ?? "{}") as { port: number; host: string; staticDir?: string };
const config = loadConfig(resolve(process.env[ENV.config] ?? "langgraph.json"));
let uiDir: string | undefined;
if (config.http || config.ui) {
  let httpApp: Parameters<typeof registerExtensions>[0]["httpApp"];
  if (config.http?.app) {
    const { modulePath, exportName } = splitModuleSpec(config.http.app);
    const module = (await import(pathToFileURL(resolve(config.dir, modulePath)).href)) as Record<string, unknown>;
    httpApp = { module, exportName, spec: config.http.app };
  }
  if (config.ui) await buildUi(config, (uiDir = mkdtempSync(join(tmpdir(), "lambdagraph-ui-"))));
  const { app: _app, ...http } = config.http ?? {};
  registerExtensions({ http, httpApp, uiDir });
}

installAwslambdaGlobal();
const { handler } = await import("../../functions/api.js");
await getPlatform(); // the cold start now: a broken config fails the start, not the first request
const server = await startLocalServer({ handler, port: front.port, host: front.host, staticDir: front.staticDir });

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.close();
  if (uiDir) rmSync(uiDir, { recursive: true, force: true });
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
process.send?.({ ready: true, url: server.url });
