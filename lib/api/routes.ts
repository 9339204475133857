/**
 * Every route of the API, in one table. Paths, methods and bodies are LangGraph Platform's
 * (see shared/reference/protocol.md); handlers live beside this file, one module per resource.
 * Each entry names its body and query schemas (lib/schemas/) once: the router validates the request with them and
 * hands the handler typed `{ body, query, params, req }` (`route()` checks the handler's types against them), and
 * GET /openapi.json is generated from them. What concerns one route goes on its entry; the pipeline around the
 * routes (CORS, API key, http.app) is composed in app.ts.
 */
import { route, type Route } from "../http/route.js";
import { json } from "../http/json.js";
import type { Platform } from "../platform.js";
import * as assistants from "./assistants.js";
import { openApiRoutes } from "./openapi.js";
import * as crons from "./crons.js";
import * as protocol from "./protocol.js";
import * as runs from "./runs.js";
import * as store from "./store.js";
import * as threads from "./threads.js";
import * as A from "../schemas/assistants.js";
import * as C from "../schemas/crons.js";
import * as R from "../schemas/runs.js";
import * as S from "../schemas/store.js";
import * as T from "../schemas/threads.js";
import * as P from "../protocol/schemas.js";

const VERSION = "0.1.0";

export const routes: Route<Platform>[] = [
  route({ method: "GET", path: "/ok", handler: () => json({ ok: true }) }),
  route({
    method: "GET",
    path: "/info",
    handler: () => json({ version: VERSION, flags: { assistants: true, crons: true, langsmith: false } }),
  }),
  ...openApiRoutes(() => routes, VERSION),

  route({ method: "POST", path: "/assistants", handler: assistants.create, body: A.AssistantCreateBody }),
  route({ method: "POST", path: "/assistants/search", handler: assistants.search, body: A.AssistantSearchBody }),
  route({ method: "POST", path: "/assistants/count", handler: assistants.count, body: A.AssistantCountBody }),
  route({ method: "GET", path: "/assistants/:assistant_id", handler: assistants.get }),
  route({ method: "PATCH", path: "/assistants/:assistant_id", handler: assistants.patch, body: A.AssistantPatchBody }),
  route({
    method: "DELETE",
    path: "/assistants/:assistant_id",
    handler: assistants.remove,
    query: A.DeleteAssistantQuery,
  }),
  route({
    method: "POST",
    path: "/assistants/:assistant_id/versions",
    handler: assistants.versions,
    body: A.AssistantVersionsBody,
  }),
  route({
    method: "POST",
    path: "/assistants/:assistant_id/latest",
    handler: assistants.setLatest,
    body: A.AssistantLatestBody,
  }),
  route({ method: "GET", path: "/assistants/:assistant_id/graph", handler: assistants.graph, query: A.GraphQuery }),
  route({ method: "GET", path: "/assistants/:assistant_id/schemas", handler: assistants.schemas }),
  route({
    method: "GET",
    path: "/assistants/:assistant_id/subgraphs",
    handler: assistants.subgraphs,
    query: A.SubgraphsQuery,
  }),
  route({
    method: "GET",
    path: "/assistants/:assistant_id/subgraphs/:namespace",
    handler: assistants.subgraphs,
    query: A.SubgraphsQuery,
  }),

  route({ method: "PUT", path: "/store/items", handler: store.putItem, body: S.StorePutBody }),
  route({ method: "GET", path: "/store/items", handler: store.getItem, query: S.StoreGetQuery }),
  route({ method: "DELETE", path: "/store/items", handler: store.deleteItem, body: S.StoreDeleteBody }),
  route({ method: "POST", path: "/store/items/search", handler: store.searchItems, body: S.StoreSearchBody }),
  route({ method: "POST", path: "/store/namespaces", handler: store.listNamespaces, body: S.StoreNamespacesBody }),

  route({ method: "POST", path: "/threads", handler: threads.create, body: T.ThreadCreateBody }),
  route({ method: "POST", path: "/threads/search", handler: threads.search, body: T.ThreadSearchBody }),
  route({ method: "POST", path: "/threads/count", handler: threads.count, body: T.ThreadCountBody }),
  route({ method: "POST", path: "/threads/prune", handler: threads.prune, body: T.ThreadPruneBody }),
  route({ method: "POST", path: "/threads/:thread_id/copy", handler: threads.copy }),
  route({ method: "PATCH", path: "/threads/:thread_id/state", handler: threads.patchState, body: T.StatePatchBody }),
  route({ method: "GET", path: "/threads/:thread_id", handler: threads.get }),
  route({ method: "PATCH", path: "/threads/:thread_id", handler: threads.patch, body: T.ThreadPatchBody }),
  route({ method: "DELETE", path: "/threads/:thread_id", handler: threads.remove }),
  route({ method: "GET", path: "/threads/:thread_id/state", handler: threads.state, query: T.StateQuery }),
  route({ method: "POST", path: "/threads/:thread_id/state", handler: threads.update, body: T.StateUpdateBody }),
  route({
    method: "POST",
    path: "/threads/:thread_id/state/checkpoint",
    handler: threads.stateAtCheckpoint,
    body: T.StateAtCheckpointBody,
  }),
  route({
    method: "GET",
    path: "/threads/:thread_id/state/:checkpoint_id",
    handler: threads.state,
    query: T.StateQuery,
  }),
  route({ method: "GET", path: "/threads/:thread_id/history", handler: threads.latestHistory, query: T.HistoryQuery }),
  route({ method: "GET", path: "/threads/:thread_id/stream", handler: threads.joinStream, query: T.ThreadStreamQuery }),
  route({ method: "POST", path: "/threads/:thread_id/history", handler: threads.history, body: T.HistoryBody }),
  // The thread-centric protocol (SDK: client.threads.stream), over HTTP/SSE.
  route({
    method: "POST",
    path: "/threads/:thread_id/commands",
    handler: protocol.protocolCommand,
    anyIds: true, // as on the official server, whose protocol routes take any thread id
    body: P.ProtocolCommand,
  }),
  route({
    method: "POST",
    path: "/threads/:thread_id/stream/events",
    handler: protocol.protocolEventStream,
    anyIds: true, // as on the official server, whose protocol routes take any thread id
    body: P.EventStreamRequest,
  }),

  route({ method: "POST", path: "/runs", handler: runs.createBackgroundRun, body: R.RunCreateBody }),
  route({ method: "POST", path: "/runs/stream", handler: runs.createStreamedRun, body: R.RunCreateBody }),
  route({ method: "POST", path: "/runs/wait", handler: runs.createWaitedRun, body: R.RunCreateBody }),
  route({ method: "POST", path: "/runs/batch", handler: runs.createBatch, body: R.RunBatchBody }),
  route({
    method: "POST",
    path: "/runs/cancel",
    handler: runs.cancelMany,
    body: R.CancelManyBody,
    query: R.CancelQuery,
  }),
  route({ method: "GET", path: "/runs/:run_id/stream", handler: runs.joinStreamById, query: R.JoinStreamQuery }),
  route({ method: "POST", path: "/runs/crons", handler: crons.create, body: C.CronCreateBody }),
  route({ method: "POST", path: "/runs/crons/search", handler: crons.search, body: C.CronSearchBody }),
  route({ method: "POST", path: "/runs/crons/count", handler: crons.count, body: C.CronCountBody }),
  route({ method: "PATCH", path: "/runs/crons/:cron_id", handler: crons.update, body: C.CronPatchBody }),
  route({ method: "DELETE", path: "/runs/crons/:cron_id", handler: crons.remove }),
  route({ method: "POST", path: "/threads/:thread_id/runs/crons", handler: crons.create, body: C.CronCreateBody }),

  route({ method: "POST", path: "/threads/:thread_id/runs", handler: runs.createBackgroundRun, body: R.RunCreateBody }),
  route({
    method: "POST",
    path: "/threads/:thread_id/runs/stream",
    handler: runs.createStreamedRun,
    body: R.RunCreateBody,
  }),
  route({
    method: "POST",
    path: "/threads/:thread_id/runs/wait",
    handler: runs.createWaitedRun,
    body: R.RunCreateBody,
  }),
  route({ method: "GET", path: "/threads/:thread_id/runs", handler: runs.listRuns, query: R.RunListQuery }),
  route({ method: "GET", path: "/threads/:thread_id/runs/:run_id", handler: runs.getRun }),
  route({ method: "DELETE", path: "/threads/:thread_id/runs/:run_id", handler: runs.deleteRun }),
  route({
    method: "POST",
    path: "/threads/:thread_id/runs/:run_id/cancel",
    handler: runs.cancel,
    query: R.CancelQuery,
  }),
  route({ method: "GET", path: "/threads/:thread_id/runs/:run_id/join", handler: runs.join }),
  route({
    method: "GET",
    path: "/threads/:thread_id/runs/:run_id/stream",
    handler: runs.joinStream,
    query: R.JoinStreamQuery,
  }),
  route({
    method: "POST",
    path: "/threads/:thread_id/runs/:run_id/stream",
    handler: runs.joinStream,
    query: R.JoinStreamQuery,
  }),
];
