/** `npm start [-- --config langgraph.json --port 2024 --host 127.0.0.1 --in-memory --topology single|aws]` */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ENV } from "../config/env.js";
import { startAwsTopology } from "./aws-topology.js";
import { startLocal } from "./start.js";
import { ensureWebPage } from "./web-page.js";
import { log } from "../log/log.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// One request's or one run's stray error is logged, not fatal to the server and every other run. (The causes are
// fixed where found — see lib/local/http-server.ts, lib/stream/event-log.ts — this is the net under them.)
const logStray = (kind: string) => (err: unknown) =>
  log.error(kind, { error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
process.on("unhandledRejection", logStray("unhandled rejection"));
process.on("uncaughtException", logStray("uncaught exception"));

const { values } = parseArgs({
  options: {
    config: { type: "string", default: "./langgraph.json" },
    port: { type: "string", default: "2024" },
    host: { type: "string", default: "127.0.0.1" },
    "in-memory": { type: "boolean", default: false },
    "data-dir": { type: "string", default: ".lambdagraph" },
    "api-key": { type: "string" },
    "no-page": { type: "boolean", default: false },
    topology: { type: "string", default: "single" },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log(`lambdagraph local server

  --config <path>     langgraph.json to load (default ./langgraph.json)
  --port <n>          port to listen on (default 2024)
  --host <addr>       address to bind (default 127.0.0.1)
  --in-memory         keep data in memory instead of on disk
  --data-dir <path>   where on-disk data lives (default .lambdagraph/)
  --api-key <key>     require this key in x-api-key (default: ${ENV.apiKey} if set, else no key)
  --no-page           serve the API only, not the chat page at /
  --topology <t>      single (default): one process; aws: the API and worker functions in processes of their own,
                      with an SQS FIFO emulator between them, as deployed`);
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number, got ${values.port}`);
  process.exit(2);
}

if (values.topology !== "single" && values.topology !== "aws") {
  console.error(`--topology must be single or aws, got ${values.topology}`);
  process.exit(2);
}

try {
  const webDir = values["no-page"] ? undefined : await ensureWebPage();
  const options = {
    webDir,
    config: values.config!,
    port,
    host: values.host!,
    dataDir: values["in-memory"] ? undefined : resolve(values["data-dir"]!),
    apiKey: values["api-key"] ?? process.env[ENV.apiKey],
  };
  const system =
    values.topology === "aws"
      ? await startAwsTopology(options)
      : await startLocal(options).then((s) => ({ ...s, graphIds: s.platform.graphs.ids(), exited: undefined }));
  console.log(`lambdagraph is serving ${system.graphIds.join(", ")} at ${system.url}`);
  if (values.topology === "aws") console.log("topology: aws (API and worker processes, SQS FIFO emulator)");
  if (webDir) console.log(`chat page: ${system.url}/`);
  console.log(values["in-memory"] ? "data: in memory" : `data: ${resolve(values["data-dir"]!)}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log("shutting down…");
    await system.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  void system.exited?.then(async (why) => {
    console.error(`lambdagraph: ${why}; stopping`);
    await system.close();
    process.exit(1);
  });
} catch (err) {
  console.error(`lambdagraph failed to start: ${(err as Error).message}`);
  process.exit(1);
}
