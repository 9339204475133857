/**
 * The chat page (web/) that `npm start` serves at /. Built with Vite into web/dist when missing or older than its
 * sources, so `npm start` alone shows it; `npm run build` builds it too.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

export const WEB_ROOT = resolve(import.meta.dirname, "../../web");
export const WEB_DIST = join(WEB_ROOT, "dist");

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "dist" || entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Returns the folder to serve, building it first if needed; undefined when the page cannot be built here. */
export async function ensureWebPage(outDir = WEB_DIST): Promise<string | undefined> {
  if (!existsSync(WEB_ROOT)) return undefined;
  const index = join(outDir, "index.html");
  if (existsSync(index) && statSync(index).mtimeMs >= newestSource(WEB_ROOT)) return outDir;
  let vite: typeof import("vite");
  try {
    vite = await import("vite"); // a devDependency: present in a checkout, absent in an installed package
  } catch {
    return existsSync(index) ? outDir : undefined;
  }
  await vite.build({
    configFile: join(WEB_ROOT, "vite.config.ts"),
    build: { outDir, emptyOutDir: true },
    logLevel: "error",
  });
  return outDir;
}
