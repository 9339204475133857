/**
 * Every route of the API, in one table. Paths, methods and bodies are LangGraph Platform's
 * (see shared/reference/protocol.md); handlers live beside this file, one module per resource.
 */
import { createRouter, type Route } from "../http/router.js";
import { rejectWithoutKey } from "../http/api-key.js";
import { withCors } from "../http/cors.js";
import { json } from "../http/json.js";
import type { Platform } from "../platform.js";
import * as assistants from "./assistants.js";
import * as crons from "./crons.js";
import * as runs from "./runs.js";
import * as store from "./store.js";
import * as threads from "./threads.js";

const VERSION = "0.1.0";

export const routes: Route<Platform>[] = [
  { method: "GET", path: "/ok", handler: () => json({ ok: true }) },
  {
    method: "GET",
    path: "/info",
    handler: () => json({ version: VERSION, flags: { assistants: true, crons: true, langsmith: false } }),
  },

  { method: "POST", path: "/assistants", handler: assistants.create },
  { method: "POST", path: "/assistants/search", handler: assistants.search },
  { method: "POST", path: "/assistants/count", handler: assistants.count },
  { method: "GET", path: "/assistants/:assistant_id", handler: assistants.get },
  { method: "PATCH", path: "/assistants/:assistant_id", handler: assistants.patch },
  { method: "DELETE", path: "/assistants/:assistant_id", handler: assistants.remove },
  { method: "POST", path: "/assistants/:assistant_id/versions", handler: assistants.versions },
  { method: "POST", path: "/assistants/:assistant_id/latest", handler: assistants.setLatest },
  { method: "GET", path: "/assistants/:assistant_id/graph", handler: assistants.graph },
  { method: "GET", path: "/assistants/:assistant_id/schemas", handler: assistants.schemas },
  { method: "GET", path: "/assistants/:assistant_id/subgraphs", handler: assistants.subgraphs },
  { method: "GET", path: "/assistants/:assistant_id/subgraphs/:namespace", handler: assistants.subgraphs },

  { method: "PUT", path: "/store/items", handler: store.putItem },
  { method: "GET", path: "/store/items", handler: store.getItem },
  { method: "DELETE", path: "/store/items", handler: store.deleteItem },
  { method: "POST", path: "/store/items/search", handler: store.searchItems },
  { method: "POST", path: "/store/namespaces", handler: store.listNamespaces },

  { method: "POST", path: "/threads", handler: threads.create },
  { method: "POST", path: "/threads/search", handler: threads.search },
  { method: "POST", path: "/threads/count", handler: threads.count },
  { method: "POST", path: "/threads/prune", handler: threads.prune },
  { method: "POST", path: "/threads/:thread_id/copy", handler: threads.copy },
  { method: "PATCH", path: "/threads/:thread_id/state", handler: threads.patchState },
  { method: "GET", path: "/threads/:thread_id", handler: threads.get },
  { method: "PATCH", path: "/threads/:thread_id", handler: threads.patch },
  { method: "DELETE", path: "/threads/:thread_id", handler: threads.remove },
  { method: "GET", path: "/threads/:thread_id/state", handler: threads.state },
  { method: "POST", path: "/threads/:thread_id/state", handler: threads.update },
  { method: "POST", path: "/threads/:thread_id/state/checkpoint", handler: threads.stateAtCheckpoint },
  { method: "GET", path: "/threads/:thread_id/state/:checkpoint_id", handler: threads.state },
  { method: "GET", path: "/threads/:thread_id/history", handler: threads.history },
  { method: "POST", path: "/threads/:thread_id/history", handler: threads.history },

  { method: "POST", path: "/runs", handler: runs.createBackgroundRun },
  { method: "POST", path: "/runs/stream", handler: runs.createStreamedRun },
  { method: "POST", path: "/runs/wait", handler: runs.createWaitedRun },
  { method: "POST", path: "/runs/batch", handler: runs.createBatch },
  { method: "POST", path: "/runs/cancel", handler: runs.cancelMany },
  { method: "POST", path: "/runs/crons", handler: crons.create },
  { method: "POST", path: "/runs/crons/search", handler: crons.search },
  { method: "POST", path: "/runs/crons/count", handler: crons.count },
  { method: "PATCH", path: "/runs/crons/:cron_id", handler: crons.update },
  { method: "DELETE", path: "/runs/crons/:cron_id", handler: crons.remove },
  { method: "POST", path: "/threads/:thread_id/runs/crons", handler: crons.create },

  { method: "POST", path: "/threads/:thread_id/runs", handler: runs.createBackgroundRun },
  { method: "POST", path: "/threads/:thread_id/runs/stream", handler: runs.createStreamedRun },
  { method: "POST", path: "/threads/:thread_id/runs/wait", handler: runs.createWaitedRun },
  { method: "GET", path: "/threads/:thread_id/runs", handler: runs.listRuns },
  { method: "GET", path: "/threads/:thread_id/runs/:run_id", handler: runs.getRun },
  { method: "DELETE", path: "/threads/:thread_id/runs/:run_id", handler: runs.deleteRun },
  { method: "POST", path: "/threads/:thread_id/runs/:run_id/cancel", handler: runs.cancel },
  { method: "GET", path: "/threads/:thread_id/runs/:run_id/join", handler: runs.join },
  { method: "GET", path: "/threads/:thread_id/runs/:run_id/stream", handler: runs.joinStream },
  { method: "POST", path: "/threads/:thread_id/runs/:run_id/stream", handler: runs.joinStream },
];

/** The API: CORS (when configured), the key check (when a key is configured), then the routes. */
export function createApp(): (req: Request, p: Platform) => Promise<Response> {
  const router = createRouter(routes);
  const api = async (req: Request, p: Platform) => rejectWithoutKey(req, p.apiKeyDigest) ?? router(req, p);
  return (req, p) => (p.corsOrigins ? withCors((r) => api(r, p), p.corsOrigins)(req) : api(req, p));
}
