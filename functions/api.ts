/** Lambda entry point for every REST and SSE route, behind a function URL in RESPONSE_STREAM mode. */
import { createApp } from "../lib/api/app.js";
import { bundledExtensions } from "../lib/extensions/bundled.js";
import { streamingHandler } from "../lib/http/lambda-url.js";
import { foregroundInvocation } from "../lib/runs/foreground.js";
import { getPlatform } from "../lib/runtime.js";

const app = createApp(bundledExtensions); // http.app and ui, when the bundle's entry registered them
const serve = streamingHandler(async (req) => app(req, await getPlatform()));

/** The routes whose new run may execute in this function (lib/runs/foreground.ts): streamed and waited runs. */
const FOREGROUND_ROUTE = /^(\/threads\/[^/]+)?\/runs\/(stream|wait)\/?$/;

export const handler = awslambda.streamifyResponse(
  async (...[event, stream, context]: Parameters<typeof serve>): Promise<void> => {
    if (event.requestContext?.http?.method !== "POST" || !FOREGROUND_ROUTE.test(event.rawPath ?? ""))
      return serve(event, stream, context);
    return foregroundInvocation({ remainingMs: () => context.getRemainingTimeInMillis() }, async () =>
      serve(event, stream, context),
    );
  },
);
