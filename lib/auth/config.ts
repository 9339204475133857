/**
 * langgraph.json `auth`, as `langgraph dev` reads it: `path` names the `Auth` instance (`./auth.ts:auth`, the export
 * defaulting to `default`), `disable_studio_auth` stops trusting Studio's unauthenticated requests under `npm start`.
 * On AWS Studio's requests are never trusted (see CustomAuthOptions.trustStudio).
 */
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { z } from "zod";
import { splitModuleSpec } from "../extensions/config.js";
import { CustomAuth } from "./custom-auth.js";

export const AuthConfig = z
  .object({
    path: z.string().min(1).optional(),
    disable_studio_auth: z.boolean().optional(),
  })
  .passthrough();
export type AuthConfig = z.infer<typeof AuthConfig>;

/** Under `npm start`: the Auth imported from its file, Studio's bypass trusted unless disabled. */
export async function loadLocalAuth(
  config: AuthConfig | undefined,
  configDir: string,
): Promise<CustomAuth | undefined> {
  if (!config?.path) return undefined;
  const { modulePath, exportName } = splitModuleSpec(config.path);
  const file = resolve(configDir, modulePath);
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`auth.path "${config.path}": cannot import ${file}: ${(err as Error).message}`);
  }
  return CustomAuth.of(module[exportName], config.path, { trustStudio: !config.disable_studio_auth });
}
