/** Cold start of the API bundle: its size, and a fresh process importing it and answering a first request. */
import { execFile } from "node:child_process";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { buildFunctions } from "../infra/build.js";
import { createDocumentClient } from "../lib/dynamo/client.js";
import { startEmbeddedDynamo } from "../lib/dynamo/embedded.js";
import { ENV } from "../lib/config/env.js";
import { ensureTables } from "../lib/tables/create.js";
import { tableNamesToEnv, tableNamesWithPrefix } from "../lib/tables/definitions.js";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "..");

export interface ColdStart {
  bundleBytes: { api: number; worker: number };
  /** Process start to the first response (POST /threads, one DynamoDB write), ms, per repetition. */
  firstResponseMs: number[];
  importMs: number[];
}

export async function coldStart(repetitions: number): Promise<ColdStart> {
  // Inside the project, so the bundle's external @aws-sdk imports resolve as on the Lambda runtime.
  const built = await buildFunctions(join(ROOT, "bench/langgraph.json"), join(ROOT, ".lambdagraph/bench-bundle"));
  const dynamo = await startEmbeddedDynamo();
  const tables = tableNamesWithPrefix("cold");
  const client = createDocumentClient({ endpoint: dynamo.endpoint });
  await ensureTables(client, tables);
  const env = {
    ...process.env,
    ...tableNamesToEnv(tables),
    [ENV.dynamoEndpoint]: dynamo.endpoint,
    [ENV.runQueueUrl]: "https://sqs.us-east-1.amazonaws.com/123456789012/bench.fifo",
    AWS_REGION: "us-east-1",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
  const firstResponseMs: number[] = [];
  const importMs: number[] = [];
  try {
    for (let i = 0; i < repetitions; i++) {
      const t0 = performance.now();
      const { stdout } = await run(
        process.execPath,
        [join(ROOT, "bench/cold-start.mjs"), built.api.file, join(ROOT, "test/events/function-url.json")],
        { env, cwd: ROOT },
      );
      const total = performance.now() - t0;
      const figures = JSON.parse(stdout.trim().split("\n").pop()!) as { importMs: number; status: number };
      if (figures.status !== 200) throw new Error(`cold start answered ${figures.status}`);
      firstResponseMs.push(total);
      importMs.push(figures.importMs);
    }
  } finally {
    client.destroy();
    await dynamo.close();
  }
  return { bundleBytes: { api: built.api.bytes, worker: built.worker.bytes }, firstResponseMs, importMs };
}
