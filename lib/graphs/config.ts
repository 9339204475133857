/** `langgraph.json`, as LangGraph users already write it for `langgraph dev`. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { z } from "zod";

export const LangGraphConfig = z
  .object({
    graphs: z.record(z.string().min(1), z.string().min(1)).refine((g) => Object.keys(g).length > 0, "at least one graph is required"),
    env: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
  })
  .passthrough();
export type LangGraphConfig = z.infer<typeof LangGraphConfig>;

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
}

export function loadConfig(path: string): LoadedConfig {
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
  applyEnv(parsed.data.env, dir);
  const graphs = Object.entries(parsed.data.graphs).map(([graphId, spec]) => {
    const colon = spec.lastIndexOf(":");
    const hasExport = colon > 1; // not a Windows drive letter
    const modulePath = hasExport ? spec.slice(0, colon) : spec;
    return { graphId, spec, file: resolve(dir, modulePath), exportName: hasExport ? spec.slice(colon + 1) : "default" };
  });
  return { path: file, dir, graphs };
}

/** `env` as a .env file path or an object: sets variables that are not set already. */
function applyEnv(env: LangGraphConfig["env"], dir: string): void {
  if (env === undefined) return;
  let vars: Record<string, string> = {};
  if (typeof env === "string") {
    const file = resolve(dir, env);
    if (!existsSync(file)) throw new Error(`env file named in langgraph.json not found: ${file}`);
    for (const line of readFileSync(file, "utf8").split(/\r?\n/)) {
      const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(line);
      if (match) vars[match[1]] = match[2].replace(/^(['"])(.*)\1$/, "$2");
    }
  } else {
    vars = env;
  }
  for (const [key, value] of Object.entries(vars)) process.env[key] ??= value;
}
