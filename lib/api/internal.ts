/** POST /internal/truncate: served only when the platform has a truncate operation (npm start, never AWS). */
import { route, type Route } from "../http/route.js";
import { json } from "../http/json.js";
import { TruncateFlags } from "../extensions/truncate.js";
import type { Platform } from "../platform.js";

export const internalRoutes: Route<Platform>[] = [
  route({
    method: "POST",
    path: "/internal/truncate",
    body: TruncateFlags,
    handler: async ({ body }, p: Platform) => {
      await p.extensions?.truncate?.(body);
      return json({ ok: true });
    },
  }),
];
