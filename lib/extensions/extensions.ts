/**
 * What a langgraph.json's extension points turn into at run time, carried on the Platform (`extensions`):
 * the user's Hono app, the http options, the folder of built UI bundles, and (under `npm start` only) the
 * truncate operation behind POST /internal/truncate.
 */
import type { HttpConfig } from "./config.js";
import type { HonoLike } from "./http-app.js";
import type { TruncateFlags } from "./truncate.js";
import type { CustomAuth } from "../auth/custom-auth.js";

export interface Extensions {
  http?: HttpConfig;
  /** The `http.app` export, loaded. */
  httpApp?: HonoLike;
  /** Where the UI bundles are (ui-build.ts writes it: schemas.json and public/<graph_id>/<file>). */
  uiDir?: string;
  /** langgraph.json `auth.path`: custom auth (lib/auth/). */
  auth?: CustomAuth;
  /** Present under `npm start` only: POST /internal/truncate. Never set on AWS. */
  truncate?: (flags: TruncateFlags) => Promise<void>;
}
