/**
 * The extension points under `npm start`: the user's http.app imported from its file, the UI bundles built into a
 * temporary folder (rebuilt at every start), and POST /internal/truncate, which only the local server offers.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { LoadedConfig } from "../graphs/config.js";
import type { GraphRegistry } from "../graphs/registry.js";
import { defaultAssistantId } from "../ids.js";
import type { TableNames } from "../tables/definitions.js";
import type { Extensions } from "./extensions.js";
import { loadHttpApp } from "./http-app.js";
import { truncator } from "./truncate.js";
import { buildUi } from "./ui-build.js";
import { loadLocalAuth } from "../auth/config.js";

export async function localExtensions(
  config: LoadedConfig,
  deps: { client: DynamoDBDocumentClient; tables: TableNames; graphs: GraphRegistry },
): Promise<{ extensions: Extensions; close(): void }> {
  const extensions: Extensions = {
    http: config.http,
    truncate: truncator(deps.client, deps.tables, (id) =>
      deps.graphs.ids().some((graphId) => defaultAssistantId(graphId) === id),
    ),
  };
  extensions.auth = await loadLocalAuth(config.auth, config.dir);
  if (config.http?.app) extensions.httpApp = await loadHttpApp(config.http.app, config.dir);
  let uiDir: string | undefined;
  if (config.ui) {
    uiDir = mkdtempSync(join(tmpdir(), "lambdagraph-ui-"));
    await buildUi(config, uiDir);
    extensions.uiDir = uiDir;
  }
  return { extensions, close: () => uiDir && rmSync(uiDir, { recursive: true, force: true }) };
}
