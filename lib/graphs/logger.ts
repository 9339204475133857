/**
 * The logger graphs reach through `getLogger()` from `@langchain/langgraph-sdk/logging`: the SDK looks it up
 * on `globalThis` under a shared symbol, so it has to be registered before any graph module is imported (a graph
 * may call getLogger() at top level). Each call writes one JSON line: level, message, the metadata given, and
 * the graph node / run it was called from (read from the running graph's config).
 *
 * Importing this module registers it: the graph registry imports it before it imports any graph, and the
 * Lambda bundles' generated entries import it before their graph modules (infra/bundling.ts).
 */
import { getConfig } from "@langchain/langgraph";
import { writeLine } from "../log/log.js";

export const SDK_LOGGER = Symbol.for("langgraph.api.sdk-logger");

/** npm (winston) severities, most severe first; the SDK's Logger type also names the cli levels. */
const SEVERITY: Record<string, number> = {
  error: 0,
  warn: 1,
  help: 2,
  data: 2,
  info: 2,
  prompt: 2,
  http: 3,
  input: 3,
  verbose: 4,
  debug: 5,
  silly: 6,
};

type LogMethod = (message: unknown, ...meta: unknown[]) => SdkLogger;
export type SdkLogger = Record<keyof typeof SEVERITY, LogMethod>;

/** Where the lines go: stdout (stderr for error and warn), which Lambda sends to CloudWatch. */
export type LogSink = (level: string, line: string) => void;
const consoleSink: LogSink = (level, line) => writeLine(SEVERITY[level] <= SEVERITY.warn, line);

export function createSdkLogger(options: { level?: string; sink?: LogSink } = {}): SdkLogger {
  const threshold = SEVERITY[options.level ?? process.env.LOG_LEVEL ?? "debug"] ?? SEVERITY.debug;
  const sink = options.sink ?? consoleSink;
  const logger = {} as SdkLogger;
  for (const level of Object.keys(SEVERITY)) {
    logger[level] = (message, ...meta) => {
      if (SEVERITY[level] <= threshold)
        sink(level, JSON.stringify({ level, ...entryOf(message, meta), ...graphContext() }, jsonSafe));
      return logger;
    };
  }
  return logger;
}

/** Makes `getLogger()` work inside graphs. Idempotent; a logger registered earlier (by a host) is kept. */
export function registerSdkLogger(logger: SdkLogger = createSdkLogger()): void {
  const global = globalThis as Record<symbol, unknown>;
  global[SDK_LOGGER] ??= logger;
}

/** `(message, ...meta)` or `(infoObject)`, as winston takes them. */
function entryOf(message: unknown, meta: unknown[]): Record<string, unknown> {
  const entry: Record<string, unknown> = {};
  if (message instanceof Error) Object.assign(entry, { msg: message.message, stack: message.stack });
  else if (message && typeof message === "object") Object.assign(entry, message);
  else entry.msg = String(message);
  for (const extra of meta) {
    if (extra instanceof Error) Object.assign(entry, { error: extra.message, stack: extra.stack });
    else if (extra && typeof extra === "object") Object.assign(entry, extra);
    else if (extra !== undefined) entry.msg = `${String(entry.msg ?? "")} ${String(extra)}`.trim();
  }
  return entry;
}

/** The node and run the call came from, when a graph is running. */
function graphContext(): Record<string, unknown> {
  let metadata: Record<string, unknown> | undefined;
  try {
    metadata = getConfig()?.metadata;
  } catch {
    return {}; // not inside a graph
  }
  if (!metadata) return {};
  const context: Record<string, unknown> = {};
  for (const key of ["langgraph_node", "run_id", "thread_id", "graph_id"])
    if (metadata[key] != null) context[key] = metadata[key];
  return context;
}

function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

registerSdkLogger();
