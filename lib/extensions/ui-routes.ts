/**
 * Generative UI, served as the official server serves it:
 *   POST /ui/{graph_id} {name}      → the HTML that loads the component (stylesheet links, then the script that
 *                                     renders `name` into the client's shadow root), URLs built from the request's host
 *   GET  /ui/{graph_id}/{file}      → a bundled file
 * which is what `client["~ui"].getComponent` and `LoadExternalComponent` fetch. The files come from the folder
 * ui-build.ts wrote (npm start: built at start; AWS: shipped in the API bundle).
 */
import { readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { z } from "zod";
import { route, type Route } from "../http/route.js";

const UiComponentBody = z.object({ name: z.string() });

const MIME: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".map": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
};

type Manifest = Record<string, { assets: string[] }>;

export function uiRoutes<Ctx>(uiDir: string): Route<Ctx>[] {
  let manifest: Manifest | undefined;
  const files = (graphId: string): string[] => {
    manifest ??= JSON.parse(readFileSync(join(uiDir, "schemas.json"), "utf8")) as Manifest;
    return Object.hasOwn(manifest, graphId) ? manifest[graphId].assets : [];
  };
  return [
    route({
      method: "POST",
      path: "/ui/:graph_id",
      body: UiComponentBody,
      handler: ({ body: { name }, params: { graph_id }, req }) => {
        const assets = files(graph_id);
        if (assets.length === 0) return text(`UI not found for agent "${graph_id}"`, 404);
        const host = req.headers.get("host") ?? new URL(req.url).host;
        const local = ["localhost", "127.0.0.1"].some((h) => host === h || host.startsWith(`${h}:`));
        const base = `${local ? "http:" : ""}//${host}/ui/${graph_id}`;
        const html = assets
          .filter((f) => extname(f) === ".css")
          .map((f) => `<link rel="stylesheet" href="${base}/${f}" />`);
        const js = assets.find((f) => extname(f) === ".js");
        if (js) {
          const global = `__LGUI_${graph_id.replace(/[^a-zA-Z0-9]/g, "_")}`;
          html.push(
            `<script src="${base}/${js}" onload='${global}.render(${JSON.stringify(name)}, "{{shadowRootId}}")'></script>`,
          );
        }
        return text(html.join("\n"), 200); // text/plain, as the official server answers (the SDK reads .text())
      },
    }),
    {
      method: "GET",
      path: "/ui/:graph_id/:file",
      handler: ({ params: { graph_id, file } }) => {
        if (!files(graph_id).includes(file)) return text("File not found", 404);
        const contents = readFileSync(join(uiDir, "public", graph_id, file));
        return new Response(contents, { headers: { "content-type": MIME[extname(file)] ?? "text/plain" } });
      },
    },
  ];
}

const text = (body: string, status: number) =>
  new Response(body, { status, headers: { "content-type": "text/plain; charset=UTF-8" } });
