/**
 * The langgraph.json keys for the official server's extension points, shaped as `langgraph dev` reads them:
 * `http` (a user Hono app, CORS, route groups switched off), `ui` (generative UI components per graph) and
 * `ui_config` (packages the UI bundles leave to the host page).
 */
import { z } from "zod";

export const HttpCorsConfig = z.object({
  allow_origins: z.array(z.string()).optional(),
  allow_methods: z.array(z.string()).optional(),
  allow_headers: z.array(z.string()).optional(),
  allow_credentials: z.boolean().optional(),
  allow_origin_regex: z.string().optional(),
  expose_headers: z.array(z.string()).optional(),
  max_age: z.number().optional(),
});
export type HttpCorsConfig = z.infer<typeof HttpCorsConfig>;

export const HttpConfig = z
  .object({
    /** `./path/to/app.ts:exportName`: a Hono app served in front of the built-in routes. */
    app: z.string().min(1).optional(),
    cors: HttpCorsConfig.optional(),
    disable_assistants: z.boolean().optional(),
    disable_threads: z.boolean().optional(),
    disable_runs: z.boolean().optional(),
    disable_store: z.boolean().optional(),
    disable_meta: z.boolean().optional(),
  })
  .passthrough();
export type HttpConfig = z.infer<typeof HttpConfig>;

/** graph id → the module whose default export maps component names to React components. */
export const UiConfig = z.record(z.string().min(1), z.string().min(1));
export const UiBuildConfig = z.object({ shared: z.array(z.string()).optional() });
export type UiBuildConfig = z.infer<typeof UiBuildConfig>;

/** `path:export` as in `graphs` (export defaults to `default`), resolved against the config's folder. */
export function splitModuleSpec(spec: string): { modulePath: string; exportName: string } {
  const colon = spec.lastIndexOf(":");
  const hasExport = colon > 1; // not a Windows drive letter
  return {
    modulePath: hasExport ? spec.slice(0, colon) : spec,
    exportName: hasExport ? spec.slice(colon + 1) : "default",
  };
}
