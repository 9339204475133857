/**
 * The whole system on one machine: an embedded DynamoDB (on disk or in memory), the tables, the graphs from
 * langgraph.json, an in-process queue feeding the worker, and the exact Lambda API handler behind node:http.
 */
import { resolve } from "node:path";
import type { Platform, PlatformOptions } from "../platform.js";
import { createPlatform } from "../platform.js";
import { createDocumentClient } from "../dynamo/client.js";
import { startEmbeddedDynamo } from "../dynamo/embedded.js";
import { loadGraphs } from "../graphs/registry.js";
import { loadConfig } from "../graphs/config.js";
import { localExtensions } from "../extensions/local.js";
import { InProcessQueue } from "../runs/queue.js";
import { executeRun } from "../runs/worker.js";
import { setPlatform } from "../runtime.js";
import { ensureDefaultAssistants } from "../services/assistants.js";
import { runDueCrons } from "../services/crons.js";
import { sweepRuns, type SweepOptions } from "../runs/sweep.js";

const logTickError = (err: unknown) => log.error("cron tick failed", { error: String(err) });
const logSweepError = (err: unknown) => log.error("run sweep failed", { error: String(err) });
const logSweep = (report: { found: number }) => {
  if (report.found > 0) log.info("run sweep", { ...report });
};
import { ensureTables } from "../tables/create.js";
import { tableNamesWithPrefix } from "../tables/definitions.js";
import { digest } from "../http/api-key.js";
import { startLocalServer } from "./http-server.js";
import { installAwslambdaGlobal } from "./streamify-shim.js";
import { log } from "../log/log.js";

export interface LocalOptions {
  config: string;
  port: number;
  host: string;
  /** Where the embedded DynamoDB keeps its data; undefined = in memory. */
  dataDir?: string;
  platformOptions?: Partial<PlatformOptions>;
  /** Require this API key (x-api-key) on every request but GET /ok and GET /info. */
  apiKey?: string;
  /** How often the in-process scheduler starts due crons. Default 5 s; 0 = never (tests call runDueCrons). */
  cronTickMs?: number;
  /** A built chat page to serve at / (see web-page.ts). Default: none, the API only. */
  webDir?: string;
  /**
   * How often runs whose lease ran out are taken up again (lib/runs/sweep.ts). Default 10 s; 0 = never (tests call
   * sweepRuns). At start, every unfinished run is taken up at once: this process owns the data, so their workers died.
   * Under `--topology aws`: how often the worker function gets the schedule's tick (default 60 s, as deployed).
   */
  sweepMs?: number;
  /**
   * `--topology aws` only: whether streamed and waited runs execute in the API function (lib/runs/foreground.ts), as
   * the construct's `foregroundRuns` prop. Default: $LAMBDAGRAPH_FOREGROUND_RUNS, else the deployed default.
   */
  foregroundRuns?: boolean;
}

export interface LocalSystem {
  url: string;
  platform: Platform;
  close(): Promise<void>;
}

export async function startLocal(options: LocalOptions): Promise<LocalSystem> {
  const graphs = await loadGraphs(resolve(options.config));
  const dynamo = await startEmbeddedDynamo({ path: options.dataDir });
  const client = createDocumentClient(dynamo.connection);
  const tables = tableNamesWithPrefix("lambdagraph");
  await ensureTables(client, tables);
  const queue = new InProcessQueue();
  const config = loadConfig(resolve(options.config));
  const local = await localExtensions(config, { client, tables, graphs });
  const platform = createPlatform({
    extensions: local.extensions,
    client,
    tables,
    graphs,
    queue,
    options: options.platformOptions,
    ttl: config.ttl,
    apiKeyDigest: options.apiKey ? digest(options.apiKey) : undefined,
    corsOrigins: ["*"], // npm start listens on 127.0.0.1 only
  });
  queue.setConsumer(async (message) => {
    await executeRun(platform, message);
  });
  await ensureDefaultAssistants(platform);
  setPlatform(platform);

  installAwslambdaGlobal();
  const { handler } = await import("../../functions/api.js");
  const server = await startLocalServer({ handler, port: options.port, host: options.host, staticDir: options.webDir });
  const cronTickMs = options.cronTickMs ?? 5_000;
  const cronTimer =
    cronTickMs > 0 ? setInterval(() => void runDueCrons(platform).catch(logTickError), cronTickMs) : undefined;
  cronTimer?.unref();
  const sweep = (sweepOptions: SweepOptions) => sweepRuns(platform, sweepOptions).then(logSweep, logSweepError);
  const sweepMs = options.sweepMs ?? 10_000;
  if (sweepMs > 0) await sweep({ orphaned: true });
  const sweepTimer = sweepMs > 0 ? setInterval(() => void sweep({}), sweepMs) : undefined;
  sweepTimer?.unref();
  return {
    url: server.url,
    platform,
    async close() {
      clearInterval(cronTimer);
      clearInterval(sweepTimer);
      await server.close();
      await queue.drain();
      client.destroy();
      await dynamo.close();
      local.close();
    },
  };
}
