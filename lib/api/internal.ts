/** POST /internal/truncate: served only when the platform has a truncate operation (npm start, never AWS). */
import type { Route } from "../http/router.js";
import { json, parseBody } from "../http/json.js";
import { TruncateFlags } from "../extensions/truncate.js";
import type { Platform } from "../platform.js";

export const internalRoutes: Route<Platform>[] = [
  {
    method: "POST",
    path: "/internal/truncate",
    body: TruncateFlags,
    handler: async (req, _params, p) => {
      const flags = await parseBody(req, TruncateFlags);
      await p.extensions?.truncate?.(flags);
      return json({ ok: true });
    },
  },
];
