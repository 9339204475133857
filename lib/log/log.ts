/**
 * Structured logs: one JSON line per entry, `{"level", "msg", ...context, ...fields}`, on Lambda (where CloudWatch
 * keeps each line) and under `npm start` alike. Errors and warnings go to stderr, the rest to stdout. Entries below
 * `LOG_LEVEL` (debug, info, warn, error; default debug) are dropped.
 *
 *   log.error("run failed", { run_id, thread_id, ...errorFields(err) });
 *   const runLog = log.with({ run_id, thread_id }); runLog.info("run sweep", report);
 */

export type Level = "debug" | "info" | "warn" | "error";
/** Context and details of an entry: run_id, thread_id, cron_id, error, ... (undefined values are left out). */
export type LogFields = Record<string, unknown>;

const SEVERITY: Record<Level, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `context` (run_id, thread_id, ...) to every entry. */
  with(context: LogFields): Logger;
}

/** One JSON line: level, msg, then the fields; bigints as strings. */
export function logLine(level: string, msg: string | undefined, fields: LogFields = {}): string {
  return JSON.stringify({ level, ...(msg === undefined ? {} : { msg }), ...fields }, jsonSafe);
}

/** Writes a line: stderr for error and warn, stdout otherwise. */
export function writeLine(severe: boolean, line: string): void {
  if (severe) console.error(line);
  else console.log(line);
}

/** The message of a thrown value. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** `error` (its message) and `stack` of a thrown value, for an entry's fields. */
export function errorFields(err: unknown): { error: string; stack?: string } {
  return { error: errorMessage(err), stack: err instanceof Error ? err.stack : undefined };
}

function createLogger(context: LogFields): Logger {
  const entry = (level: Level) => (msg: string, fields?: LogFields) => {
    const threshold = SEVERITY[(process.env.LOG_LEVEL ?? "debug") as Level] ?? SEVERITY.debug;
    if (SEVERITY[level] > threshold) return;
    writeLine(SEVERITY[level] <= SEVERITY.warn, logLine(level, msg, { ...context, ...fields }));
  };
  return {
    debug: entry("debug"),
    info: entry("info"),
    warn: entry("warn"),
    error: entry("error"),
    with: (more) => createLogger({ ...context, ...more }),
  };
}

export const log: Logger = createLogger({});

function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
