/**
 * The extension points inside a Lambda bundle: the API function's generated entry (infra/bundling.ts) imports
 * the http.app module statically and registers it here with the http options and where the UI files were
 * shipped; functions/api.ts hands them to the platform. No truncate: that is for `npm start` only.
 */
import type { HttpConfig } from "./config.js";
import type { Extensions } from "./extensions.js";
import { checkedHttpApp } from "./http-app.js";
import { CustomAuth } from "../auth/custom-auth.js";

let registered: Extensions | undefined;

export function registerExtensions(options: {
  http?: HttpConfig;
  httpApp?: { module: Record<string, unknown>; exportName: string; spec: string };
  uiDir?: string;
  auth?: { module: Record<string, unknown>; exportName: string; spec: string };
}): void {
  registered = {
    http: options.http,
    httpApp: options.httpApp
      ? checkedHttpApp(options.httpApp.module[options.httpApp.exportName], options.httpApp.spec)
      : undefined,
    uiDir: options.uiDir,
    // On AWS Studio's `x-auth-scheme: langsmith` is never taken on trust: anyone could send it.
    auth: options.auth
      ? CustomAuth.of(options.auth.module[options.auth.exportName], options.auth.spec, { trustStudio: false })
      : undefined,
  };
}

/** What the bundle registered, if anything (undefined under npm start and in tests: they set the platform's). */
export function bundledExtensions(): Extensions | undefined {
  return registered;
}
