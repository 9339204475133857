/**
 * The lines the API function's generated entry (infra/bundling.ts) adds for the extension points: a static
 * import of the http.app module (so the bundler includes it and its dependencies, Hono among them) and the
 * registration of the http options and of the UI folder shipped beside the bundle (`ui/`, see ui-build.ts).
 */
import { resolve } from "node:path";
import type { LoadedConfig } from "../graphs/config.js";
import { splitModuleSpec } from "./config.js";

/** `ownModule` maps one of our modules' source path to the file to import (infra/bundling.ts). */
export function extensionEntryLines(config: LoadedConfig, ownModule: (sourcePath: string) => string): string[] {
  const { http, ui, auth } = config;
  if (!http && !ui && !auth?.path) return [];
  const lines = [`import { registerExtensions } from ${JSON.stringify(ownModule("lib/extensions/bundled.ts"))};`];
  let httpApp = "undefined";
  if (http?.app) {
    const { modulePath, exportName } = splitModuleSpec(http.app);
    lines.push(`import * as httpAppModule from ${JSON.stringify(resolve(config.dir, modulePath))};`);
    httpApp = `{ module: httpAppModule, exportName: ${JSON.stringify(exportName)}, spec: ${JSON.stringify(http.app)} }`;
  }
  let authModule = "undefined";
  if (auth?.path) {
    const { modulePath, exportName } = splitModuleSpec(auth.path);
    lines.push(`import * as authModule from ${JSON.stringify(resolve(config.dir, modulePath))};`);
    authModule = `{ module: authModule, exportName: ${JSON.stringify(exportName)}, spec: ${JSON.stringify(auth.path)} }`;
  }
  const uiDir = ui ? `decodeURIComponent(new URL("./ui", import.meta.url).pathname)` : "undefined";
  const { app: _app, ...options } = http ?? {};
  lines.push(
    `registerExtensions({ http: ${JSON.stringify(options)}, httpApp: ${httpApp}, uiDir: ${uiDir}, auth: ${authModule} });`,
  );
  return lines;
}
