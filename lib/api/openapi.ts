/**
 * GET /openapi.json and GET /docs: the API's description, generated from the route table — each route's path,
 * method and the very zod schemas its handler validates the body and query string with — so it cannot drift
 * from what the server accepts.
 */
import { z, type ZodType } from "zod";
import type { Route } from "../http/router.js";
import { json } from "../http/json.js";

type Schema = Record<string, unknown>;

const jsonSchema = (schema: ZodType): Schema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Schema;
  return rest;
};

const isStream = (path: string) => /\/stream(\/events)?$/.test(path);

/** `createBackgroundRun` → "Create background run". */
const summary = (name: string) => {
  const words = name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

const tag = (path: string) => {
  if (path.includes("/crons")) return "crons";
  if (/^\/threads\/:thread_id\/runs/.test(path)) return "thread runs";
  return path.split("/")[1];
};

function operation(route: Route<unknown>): Schema {
  const pathParams = [...route.path.matchAll(/:(\w+)/g)].map((m) => ({
    name: m[1],
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  const query = route.query ? jsonSchema(route.query) : undefined;
  const queryParams = Object.entries((query?.properties ?? {}) as Record<string, Schema>).map(([name, schema]) => ({
    name,
    in: "query",
    required: ((query?.required ?? []) as string[]).includes(name),
    schema,
  }));
  const responses: Schema = {
    "200": isStream(route.path)
      ? { description: "Server-sent events", content: { "text/event-stream": { schema: { type: "string" } } } }
      : { description: "Success", content: { "application/json": { schema: {} } } },
  };
  if (pathParams.length > 0) responses["404"] = { description: "Not found" };
  if (route.body || route.query) responses["422"] = { description: "Validation error: `detail[].loc` names the field" };
  return {
    operationId: `${route.method.toLowerCase()}${route.path.replace(/[/:]+(\w)/g, (_m, c: string) => `_${c}`)}`,
    summary:
      route.handler.name && route.handler.name !== "handler"
        ? summary(route.handler.name)
        : `${route.method} ${route.path}`,
    tags: [tag(route.path)],
    parameters: [...pathParams, ...queryParams],
    ...(route.body
      ? { requestBody: { required: true, content: { "application/json": { schema: jsonSchema(route.body) } } } }
      : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of `routes`. */
export function openApiDocument(routes: Route<unknown>[], version: string): Schema {
  const paths: Record<string, Record<string, Schema>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)/g, "{$1}");
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "lambdagraph",
      version,
      description: "The LangGraph Platform API, serverless on AWS and local with npm start.",
    },
    paths,
  };
}

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A self-contained page listing every operation with its parameters and body schema (no scripts, no CDN). */
export function docsPage(document: Schema): string {
  const sections: string[] = [];
  for (const [path, methods] of Object.entries(document.paths as Record<string, Record<string, Schema>>)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = (op.parameters as { name: string; in: string; required: boolean }[])
        .map((p) => `<li><code>${escape(p.name)}</code> (${p.in}${p.required ? ", required" : ""})</li>`)
        .join("");
      const body = op.requestBody as { content: { "application/json": { schema: unknown } } } | undefined;
      sections.push(
        `<section id="${escape(op.operationId as string)}"><h3><span class="m">${method.toUpperCase()}</span> <code>${escape(path)}</code></h3>` +
          `<p>${escape(op.summary as string)} · <em>${escape((op.tags as string[])[0])}</em></p>` +
          (params ? `<ul>${params}</ul>` : "") +
          (body
            ? `<details><summary>Request body</summary><pre>${escape(JSON.stringify(body.content["application/json"].schema, null, 2))}</pre></details>`
            : "") +
          `</section>`,
      );
    }
  }
  const info = document.info as { title: string; version: string };
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escape(info.title)} API</title><style>
body{font:14px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem}h3{margin:1.5rem 0 .25rem}
.m{display:inline-block;min-width:4.5em;font-size:.8em;color:#fff;background:#555;border-radius:3px;padding:0 .4em}
pre{background:#f5f5f5;padding:.5rem;overflow:auto}</style></head><body>
<h1>${escape(info.title)} API <small>${escape(info.version)}</small></h1>
<p>The machine-readable description is at <a href="openapi.json">/openapi.json</a>.</p>
${sections.join("\n")}
</body></html>`;
}

/** The two routes, for a route table. */
export function openApiRoutes<Ctx>(all: () => Route<Ctx>[], version: string): Route<Ctx>[] {
  let document: Schema | undefined;
  const doc = () => (document ??= openApiDocument(all() as Route<unknown>[], version));
  return [
    { method: "GET", path: "/openapi.json", handler: () => json(doc()) },
    {
      method: "GET",
      path: "/docs",
      handler: () => new Response(docsPage(doc()), { headers: { "content-type": "text/html; charset=utf-8" } }),
    },
  ];
}
