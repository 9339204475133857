import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoDBSaver } from "./checkpoint/dynamodb-saver.js";
import type { GraphRegistry } from "./graphs/registry.js";
import { CancelSignals } from "./runs/cancel-signals.js";
import type { RunQueue } from "./runs/queue.js";
import { AssistantStore } from "./stores/assistant-store.js";
import { DynamoDBStore } from "./stores/kv-store.js";
import { CronStore } from "./stores/cron-store.js";
import { RunStore } from "./stores/run-store.js";
import { ThreadStore } from "./stores/thread-store.js";
import { EventLog } from "./stream/event-log.js";
import { LiveHub } from "./stream/live-hub.js";
import type { TableNames } from "./tables/definitions.js";
import type { DataTtl } from "./config/ttl.js";
import type { Extensions } from "./extensions/extensions.js";

/**
 * Everything a request handler or a worker needs, built once per process: the one place for shared state.
 * Routes and the worker receive it; nothing else holds stores or clients.
 */
export interface Platform {
  /** The DynamoDB client every store shares (exposed for metering: see lib/dynamo/request-meter.ts). */
  client: DynamoDBDocumentClient;
  graphs: GraphRegistry;
  assistants: AssistantStore;
  crons: CronStore;
  /** The long-term store: served under /store and handed to graphs as `config.store`. */
  store: DynamoDBStore;
  threads: ThreadStore;
  runs: RunStore;
  events: EventLog;
  hub: LiveHub;
  checkpointer: DynamoDBSaver;
  queue: RunQueue;
  cancels: CancelSignals;
  options: PlatformOptions;
  /** SHA-256 of the API key every request must carry; undefined = no key required. */
  apiKeyDigest?: Buffer;
  /** Origins the API answers CORS for (["*"] under npm start); undefined = no CORS headers. */
  corsOrigins?: string[];
  /** langgraph.json's extension points: a user Hono app, http options, UI bundles (lib/extensions/). */
  extensions?: Extensions;
}

export interface PlatformOptions {
  /** How often an SSE reader in another process polls the event log. */
  eventPollMs: number;
  /** How often a worker checks its run item for a cancel request from another process. */
  cancelPollMs: number;
  /** SSE keep-alive comment interval. */
  heartbeatMs: number;
  /** Event log write batching window. */
  eventFlushMs: number;
  /** How long a worker's claim on a running run lasts without renewal (renewed at a third of it). */
  leaseMs: number;
  /** Below this much invocation time left, a worker hands its run back at the next step boundary. */
  handBackAtStepMs: number;
  /** Below this much, it hands back at once, mid-step (the step runs again in the next invocation). */
  handBackNowMs: number;
  /** Let webhooks reach loopback, link-local and private addresses (see lib/runs/webhook.ts). */
  webhookAllowPrivate: boolean;
  webhookTimeoutMs: number;
  webhookAttempts: number;
}

export const DEFAULT_OPTIONS: PlatformOptions = {
  eventPollMs: 100,
  cancelPollMs: 1000,
  heartbeatMs: 15_000,
  eventFlushMs: 50,
  leaseMs: 30_000,
  handBackAtStepMs: 90_000,
  handBackNowMs: 20_000,
  webhookAllowPrivate: false,
  webhookTimeoutMs: 10_000,
  webhookAttempts: 3,
};

export function createPlatform(deps: {
  client: DynamoDBDocumentClient;
  tables: TableNames;
  graphs: GraphRegistry;
  queue: RunQueue;
  options?: Partial<PlatformOptions>;
  apiKeyDigest?: Buffer;
  corsOrigins?: string[];
  extensions?: Extensions;
  /** langgraph.json `checkpointer.ttl` and `store.ttl` (lib/config/ttl.ts). */
  ttl?: DataTtl;
}): Platform {
  const options = { ...DEFAULT_OPTIONS, ...deps.options };
  const hub = new LiveHub();
  return {
    client: deps.client,
    graphs: deps.graphs,
    assistants: new AssistantStore(deps.client, deps.tables.assistants),
    crons: new CronStore(deps.client, deps.tables.crons),
    store: new DynamoDBStore(deps.client, deps.tables.store, {
      defaultTtl: deps.ttl?.store?.default_ttl,
      refreshOnRead: deps.ttl?.store?.refresh_on_read,
    }),
    threads: new ThreadStore(deps.client, deps.tables.threads, { ttlMinutes: deps.ttl?.checkpointer?.default_ttl }),
    runs: new RunStore(deps.client, deps.tables.runs),
    // With a checkpointer TTL, a run's stream events expire with its thread (default_ttl after they are written).
    events: new EventLog(deps.client, deps.tables.events, hub, {
      flushMs: options.eventFlushMs,
      ttlSeconds: deps.ttl?.checkpointer ? Math.ceil(deps.ttl.checkpointer.default_ttl * 60) : undefined,
    }),
    hub,
    checkpointer: new DynamoDBSaver({
      client: deps.client,
      tableName: deps.tables.checkpoints,
      ttlSeconds: deps.ttl?.checkpointer ? Math.ceil(deps.ttl.checkpointer.default_ttl * 60) : undefined,
    }),
    queue: deps.queue,
    cancels: new CancelSignals(),
    options,
    apiKeyDigest: deps.apiKeyDigest,
    corsOrigins: deps.corsOrigins,
    extensions: deps.extensions,
  };
}

export const now = () => new Date().toISOString();
