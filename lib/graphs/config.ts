/** `langgraph.json`, as LangGraph users already write it for `langgraph dev`. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parse as parseDotenv } from "dotenv";
import { z } from "zod";
import { HttpConfig, UiBuildConfig, UiConfig } from "../extensions/config.js";
import { CheckpointerTtl, StoreTtl, type DataTtl } from "../config/ttl.js";
import { AuthConfig } from "../auth/config.js";
import { log } from "../log/log.js";

export const LangGraphConfig = z
  .object({
    graphs: z
      .record(
        z.string().min(1),
        z.union([z.string().min(1), z.object({ path: z.string().min(1), description: z.string().optional() })]),
      )
      .refine((g) => Object.keys(g).length > 0, "at least one graph is required"),
    env: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
    http: HttpConfig.optional(),
    ui: UiConfig.optional(),
    ui_config: UiBuildConfig.optional(),
    /** Custom auth (lib/auth/): the `Auth` instance that authenticates and authorizes requests. */
    auth: AuthConfig.optional(),
    /** Data that expires (lib/config/ttl.ts). */
    checkpointer: z.object({ ttl: CheckpointerTtl.optional() }).passthrough().optional(),
    store: z.object({ ttl: StoreTtl.optional() }).passthrough().optional(),
  })
  .passthrough();
export type LangGraphConfig = z.infer<typeof LangGraphConfig>;

/**
 * The langgraph.json keys lambdagraph acts on; any other key is named in a warning at start (see
 * unhonouredKeys). `dependencies` and `$schema` are read by other tools (`langgraph build` installs the
 * dependencies, editors read the schema): here the project's own package.json and node_modules are used, so
 * they need nothing from us and warn nothing.
 */
export const HONOURED_KEYS = [
  "$schema",
  "graphs",
  "env",
  "node_version",
  "dependencies",
  "http",
  "ui",
  "ui_config",
  "auth",
  "checkpointer",
  "store",
] as const;

/** Keys inside a honoured key that lambdagraph acts on (the rest are named in the warning as `key.sub`). */
export const HONOURED_SUBKEYS: Partial<Record<(typeof HONOURED_KEYS)[number], readonly string[]>> = {
  http: ["app", "cors", "disable_assistants", "disable_threads", "disable_runs", "disable_store", "disable_meta"],
  auth: ["path", "disable_studio_auth"],
  checkpointer: ["ttl"],
  store: ["ttl"],
};

/** The keys of a langgraph.json that lambdagraph does not act on, as `key` or `key.sub`. */
export function unhonouredKeys(raw: Record<string, unknown>): string[] {
  const honoured = new Set<string>(HONOURED_KEYS);
  const found: string[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (!honoured.has(key)) {
      found.push(key);
      continue;
    }
    if (key === "graphs" && value && typeof value === "object") {
      // `{"path", "description"}`: the official JS server loads the path and ignores the description (its
      // default assistants have none), and so do we.
      for (const [graphId, entry] of Object.entries(value)) {
        if (entry && typeof entry === "object" && "description" in entry) found.push(`graphs.${graphId}.description`);
      }
    }
    const subkeys = HONOURED_SUBKEYS[key as keyof typeof HONOURED_SUBKEYS];
    if (subkeys && value && typeof value === "object" && !Array.isArray(value)) {
      for (const sub of Object.keys(value)) if (!subkeys.includes(sub)) found.push(`${key}.${sub}`);
    }
  }
  return found;
}

export interface GraphSpec {
  graphId: string;
  /** Absolute path of the graph's module. */
  file: string;
  /** Export name ("default" when the spec names none). */
  exportName: string;
  /** The spec as written, for error messages. */
  spec: string;
}

export interface LoadedConfig {
  path: string;
  dir: string;
  graphs: GraphSpec[];
  /** Keys present that lambdagraph ignores (warned about when loaded). */
  unhonoured: string[];
  /** The extension points (lib/extensions/): `http`, `ui`, `ui_config`, as written. */
  http?: HttpConfig;
  ui?: Record<string, string>;
  uiConfig?: UiBuildConfig;
  /** `auth`: custom auth (lib/auth/), as written. */
  auth?: AuthConfig;
  /** `checkpointer.ttl` and `store.ttl`: what expires, and when. */
  ttl: DataTtl;
  /** langgraph.json `env`: the variables it names (from its `.env` file, or as written). */
  env: Record<string, string>;
}

/** Configs whose ignored keys were named already: a config is loaded more than once per start. */
const warned = new Set<string>();

/** Reads langgraph.json and sets its `env` variables that are not set already (the graphs read them). */
export function loadConfig(path: string): LoadedConfig {
  const config = readConfig(path);
  for (const [key, value] of Object.entries(config.env)) process.env[key] ??= value;
  return config;
}

/** Reads langgraph.json, leaving the environment alone (the CDK construct: `env` never reaches a template). */
export function readConfig(path: string): LoadedConfig {
  const file = resolve(path);
  if (!existsSync(file)) throw new Error(`langgraph config not found: ${file}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = LangGraphConfig.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new Error(`${file}: ${issues}`);
  }
  const dir = dirname(file);
  const graphs = Object.entries(parsed.data.graphs).map(([graphId, entry]): GraphSpec => {
    const spec = typeof entry === "string" ? entry : entry.path;
    const colon = spec.lastIndexOf(":");
    const hasExport = colon > 1; // not a Windows drive letter
    const modulePath = hasExport ? spec.slice(0, colon) : spec;
    return { graphId, spec, file: resolve(dir, modulePath), exportName: hasExport ? spec.slice(colon + 1) : "default" };
  });
  const unhonoured = unhonouredKeys(raw as Record<string, unknown>);
  if (unhonoured.length > 0 && !warned.has(file)) {
    warned.add(file);
    log.warn(`langgraph.json keys lambdagraph does not honour (ignored): ${unhonoured.join(", ")}`, {
      config: file,
      keys: unhonoured,
    });
  }
  return {
    path: file,
    dir,
    graphs,
    unhonoured,
    http: parsed.data.http,
    ui: parsed.data.ui,
    uiConfig: parsed.data.ui_config,
    auth: parsed.data.auth,
    ttl: { checkpointer: parsed.data.checkpointer?.ttl, store: parsed.data.store?.ttl },
    env: envOf(parsed.data.env, dir),
  };
}

/**
 * `env` as a `.env` file path (read with dotenv's parser, as `langgraph dev` reads it: comments, quotes, multi-line
 * values, `export`) or as an object.
 */
function envOf(env: LangGraphConfig["env"], dir: string): Record<string, string> {
  if (env === undefined) return {};
  if (typeof env !== "string") return env;
  const file = resolve(dir, env);
  if (!existsSync(file)) throw new Error(`env file named in langgraph.json not found: ${file}`);
  return parseDotenv(readFileSync(file, "utf8"));
}

/** `LANGGRAPH_CONFIG`: graph id → its default assistant's config, `context` apart, as `langgraph dev` reads it. */
const GraphConfigs = z.record(z.string(), z.record(z.string(), z.unknown()));

export interface GraphDefaults {
  config: Record<string, unknown>;
  context?: Record<string, unknown>;
}

/** Each graph's default-assistant config and context from `LANGGRAPH_CONFIG` (often set through `env`). */
export function graphDefaultsFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, GraphDefaults> {
  const text = env.LANGGRAPH_CONFIG;
  if (!text) return {};
  let parsed: z.infer<typeof GraphConfigs>;
  try {
    parsed = GraphConfigs.parse(JSON.parse(text));
  } catch (err) {
    throw new Error(`LANGGRAPH_CONFIG must be a JSON object of graph id → config: ${(err as Error).message}`);
  }
  return Object.fromEntries(
    Object.entries(parsed).map(([graphId, { context, ...config }]) => [
      graphId,
      { config, context: context && typeof context === "object" ? (context as Record<string, unknown>) : undefined },
    ]),
  );
}
