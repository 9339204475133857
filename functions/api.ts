/** Lambda entry point for every REST and SSE route, behind a function URL in RESPONSE_STREAM mode. */
import { createApp } from "../lib/api/app.js";
import { bundledExtensions } from "../lib/extensions/bundled.js";
import { streamingHandler } from "../lib/http/lambda-url.js";
import { getPlatform } from "../lib/runtime.js";

const app = createApp(bundledExtensions); // http.app and ui, when the bundle's entry registered them

export const handler = awslambda.streamifyResponse(streamingHandler(async (req) => app(req, await getPlatform())));
