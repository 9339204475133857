/**
 * A request fuzzer over every route of the API table (lib/api/routes.ts — imported, so a new route is fuzzed as soon
 * as it is added), with plain `fetch` against the local server. Four properties:
 *
 * 1. No request gets a 5xx (nor, from the thread-centric protocol's commands, an in-band `unknown_error`): each route
 *    gets 30 to 36 requests whose `:params` are real ids (every other request), unknown well-formed UUIDs or garbage,
 *    and whose bodies, query strings and some headers come from a seeded generator (non-JSON text, JSON of every
 *    type, the route's own valid body with known fields set to wrong types, huge or negative numbers, empty strings,
 *    unicode, deep nesting, oversized values ...): about 1,950 requests. A failure prints the method, path, body and
 *    response, and the seed and request number that regenerate it: `FUZZ_SEED=<n> npx vitest run
 *    test/e2e/fuzz.test.ts` (FUZZ_REPORT=<file> also writes the failures there).
 * 2. A malformed body answers 422 with `detail[].loc` naming the field that failed (a malformed query parameter:
 *    `["query", name]`).
 * 3. An unknown id answers 404 (but for the exceptions in NOT_404).
 * 4. The fuzzing leaves the real resources it was aimed at (a thread, its run, an assistant, a cron, a store item)
 *    exactly as they were: routes that change things are only pointed at throwaway resources.
 * Then the inputs that once answered 5xx (or a wrong status) are replayed by hand, whatever the seed.
 */
import type { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { routes } from "../../lib/api/routes.js";
import type { LocalSystem } from "../../lib/local/start.js";
import { localServer } from "../helpers/sdk.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
/** Requests per route (at least: a route with ids in its path gets two per path variant, see fuzzRoute). */
const PER_ROUTE = 30;
/** Routes fuzzed at once (each route's own requests go one after another). */
const CONCURRENCY = 4;
/** Streaming routes (and runs/wait, join) may hold the connection for the whole run: only their status is read. */
const STREAM_STATUS_TIMEOUT_MS = 3_000;
/** Any other route must answer within this. */
const ANSWER_TIMEOUT_MS = 10_000;

let system: LocalSystem;
let client: Client;

// ---------------------------------------------------------------------------------------------------------------
// A tiny seeded PRNG (mulberry32) and helpers over it.

type Rng = () => number;

function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed per (run seed, name): each route's requests are the same whatever order the routes run in. */
function seedFor(name: string): number {
  let h = SEED ^ 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];
const chance = (rng: Rng, p: number) => rng() < p;

function uuid4(rng: Rng): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rng() * 16).toString(16));
  hex[12] = "4";
  hex[16] = "89ab"[Math.floor(rng() * 4)];
  const s = hex.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Routes: which hold the connection, which only read, and a valid and a malformed body for each that takes one.

type Route = (typeof routes)[number];
const keyOf = (route: Route) => `${route.method} ${route.path}`;
const paramsOf = (route: Route) =>
  route.path
    .split("/")
    .filter((s) => s.startsWith(":"))
    .map((s) => s.slice(1));
const ID_PARAMS = ["thread_id", "run_id", "assistant_id", "cron_id", "checkpoint_id"];

/** Routes that may start a run and hold the connection until it ends (or stream it). */
const holdsConnection = (route: Route) => /\/(stream|stream\/events|wait|join)$/.test(route.path);

/**
 * Routes that change nothing: these are aimed at the real resources kept for property 4. Every other route gets
 * throwaway resources of its own.
 */
const readOnly = (route: Route) =>
  route.method === "GET" ||
  (route.method === "POST" && /\/(search|count|history|versions|namespaces|state\/checkpoint)$/.test(route.path));

interface BodySpec {
  /** Passes validation; with an unknown id in the path it must be answered 404. */
  valid: unknown;
  /** A wrong-type body, and the field its 422 must name. */
  malformed: { body: unknown; field: string };
}

const runBody = { assistant_id: "simple", input: { count: 1 } };
const cronBody = { assistant_id: "simple", schedule: "0 0 1 1 *", input: { count: 1 } };

const BODIES: Record<string, BodySpec> = {
  "POST /assistants": { valid: { graph_id: "simple" }, malformed: { body: { graph_id: 42 }, field: "graph_id" } },
  "POST /assistants/search": { valid: { limit: 1 }, malformed: { body: { limit: "ten" }, field: "limit" } },
  "POST /assistants/count": { valid: {}, malformed: { body: { metadata: "x" }, field: "metadata" } },
  "PATCH /assistants/:assistant_id": {
    valid: { metadata: { fuzz: 1 } },
    malformed: { body: { name: 7 }, field: "name" },
  },
  "POST /assistants/:assistant_id/versions": { valid: {}, malformed: { body: { limit: "1" }, field: "limit" } },
  "POST /assistants/:assistant_id/latest": {
    valid: { version: 1 },
    malformed: { body: { version: "one" }, field: "version" },
  },

  "PUT /store/items": {
    valid: { namespace: ["fuzz"], key: "k", value: { a: 1 } },
    malformed: { body: { namespace: "fuzz", key: "k", value: {} }, field: "namespace" },
  },
  "DELETE /store/items": {
    valid: { namespace: ["fuzz"], key: "k" },
    malformed: { body: { namespace: ["fuzz"], key: 5 }, field: "key" },
  },
  "POST /store/items/search": {
    valid: { namespace_prefix: ["fuzz"] },
    malformed: { body: { namespace_prefix: ["fuzz"], limit: "x" }, field: "limit" },
  },
  "POST /store/namespaces": { valid: {}, malformed: { body: { max_depth: "deep" }, field: "max_depth" } },

  "POST /threads": { valid: {}, malformed: { body: { metadata: [] }, field: "metadata" } },
  "POST /threads/search": { valid: { limit: 1 }, malformed: { body: { status: 3 }, field: "status" } },
  "POST /threads/count": { valid: {}, malformed: { body: { values: 1 }, field: "values" } },
  "POST /threads/prune": {
    valid: { thread_ids: ["00000000-0000-4000-8000-000000000000"] },
    malformed: { body: { thread_ids: "x" }, field: "thread_ids" },
  },
  "PATCH /threads/:thread_id/state": {
    valid: { metadata: { fuzz: 1 } },
    malformed: { body: { metadata: 1 }, field: "metadata" },
  },
  "PATCH /threads/:thread_id": {
    valid: { metadata: { fuzz: 1 } },
    malformed: { body: { metadata: "x" }, field: "metadata" },
  },
  "POST /threads/:thread_id/state": {
    valid: { values: { count: 1 } },
    malformed: { body: { values: {}, as_node: 1 }, field: "as_node" },
  },
  "POST /threads/:thread_id/state/checkpoint": {
    valid: { checkpoint: {} },
    malformed: { body: { checkpoint: "x" }, field: "checkpoint" },
  },
  "POST /threads/:thread_id/history": { valid: { limit: 1 }, malformed: { body: { limit: "1" }, field: "limit" } },

  "POST /runs": { valid: runBody, malformed: { body: { assistant_id: 1 }, field: "assistant_id" } },
  "POST /runs/stream": { valid: runBody, malformed: { body: { ...runBody, stream_mode: 5 }, field: "stream_mode" } },
  "POST /runs/wait": { valid: runBody, malformed: { body: { ...runBody, metadata: [] }, field: "metadata" } },
  "POST /runs/batch": {
    valid: [runBody],
    malformed: { body: [{ ...runBody, on_completion: 1 }], field: "on_completion" },
  },
  "POST /runs/cancel": {
    valid: { thread_id: "00000000-0000-4000-8000-000000000000" },
    malformed: { body: { status: 1 }, field: "status" },
  },
  "POST /runs/crons": { valid: cronBody, malformed: { body: { ...cronBody, schedule: 5 }, field: "schedule" } },
  "POST /runs/crons/search": { valid: {}, malformed: { body: { enabled: "yes" }, field: "enabled" } },
  "POST /runs/crons/count": { valid: {}, malformed: { body: { thread_id: 5 }, field: "thread_id" } },
  "PATCH /runs/crons/:cron_id": { valid: { enabled: false }, malformed: { body: { enabled: "no" }, field: "enabled" } },
  "POST /threads/:thread_id/runs/crons": {
    valid: cronBody,
    malformed: { body: { ...cronBody, end_time: 12 }, field: "end_time" },
  },

  "POST /threads/:thread_id/runs": {
    valid: runBody,
    malformed: { body: { ...runBody, config: "x" }, field: "config" },
  },
  "POST /threads/:thread_id/runs/stream": {
    valid: runBody,
    malformed: { body: { ...runBody, stream_subgraphs: "yes" }, field: "stream_subgraphs" },
  },
  "POST /threads/:thread_id/runs/wait": {
    valid: runBody,
    malformed: { body: { ...runBody, interrupt_before: 3 }, field: "interrupt_before" },
  },

  "POST /threads/:thread_id/commands": {
    valid: { id: 1, method: "state.get", params: {} },
    malformed: { body: { id: "one", method: "state.get" }, field: "id" },
  },
  "POST /threads/:thread_id/stream/events": {
    valid: { channels: ["values"] },
    malformed: { body: { channels: "values" }, field: "channels" },
  },
};

/** The query parameters a route reads (from its schema), fuzzed along with others it does not. */
const queryKeysOf = (route: Route): string[] =>
  route.query && "shape" in route.query ? Object.keys(route.query.shape as object) : [];

/**
 * Where an unknown id is not answered 404, by LangGraph Platform semantics, and what is answered instead:
 * - the thread-centric protocol takes any thread id, as @langchain/langgraph-api's server does (its api/protocol
 *   validates the id as a string only): a command answers in-band (HTTP 200, `{type: "error"}`; `run.start` creates
 *   the thread), and an event stream opens and waits for the thread's runs;
 * - POST /threads/{id}/runs… with `if_not_exists: "create"` creates the thread (tested on its own below; the valid
 *   bodies in BODIES leave it out, so these routes are held to 404);
 * - joining a run's stream, as on the official server: a stream (200) with one `error` event `"Run not found"`, or by
 *   the run's id alone an empty one (the stream routes' bodies are not read here: test/e2e/runs-surface.test.ts);
 * - copying a thread: the official server's 409 `Thread not found`.
 */
const NOT_404: Record<string, (answer: Answer) => boolean> = {
  "GET /threads/:thread_id/runs/:run_id/stream": (answer) => answer.status === 200,
  "POST /threads/:thread_id/runs/:run_id/stream": (answer) => answer.status === 200,
  "GET /runs/:run_id/stream": (answer) => answer.status === 200,
  "POST /threads/:thread_id/copy": (answer) => answer.status === 409 && answer.text === "Thread not found",
  "POST /threads/:thread_id/commands": (answer) =>
    answer.status === 200 && (JSON.parse(answer.text) as { type: string }).type === "error",
  "POST /threads/:thread_id/stream/events": (answer) => answer.status === 200,
};

// ---------------------------------------------------------------------------------------------------------------
// Requests.

interface Answer {
  status: number;
  text: string;
  /** No status within the time limit. */
  timedOut?: boolean;
}

interface Req {
  method: string;
  path: string;
  /** Raw body text; undefined sends none. */
  body?: string;
  headers?: Record<string, string>;
}

async function send(req: Req, statusOnly: boolean): Promise<Answer> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), statusOnly ? STREAM_STATUS_TIMEOUT_MS : ANSWER_TIMEOUT_MS);
  try {
    const res = await fetch(system.url + req.path, {
      method: req.method,
      headers: { "content-type": "application/json", ...req.headers },
      body: req.body,
      signal: abort.signal,
    });
    if (statusOnly && res.status < 500) {
      abort.abort();
      await res.body?.cancel().catch(() => undefined);
      return { status: res.status, text: "" };
    }
    return { status: res.status, text: await res.text() };
  } catch (err) {
    if (abort.signal.aborted) return { status: 0, text: "", timedOut: true };
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

const fill = (path: string, values: Record<string, string>) =>
  path.replace(/:(\w+)/g, (_m, name: string) => values[name]);

/** The thread-centric protocol's Internal Server Error: a command answered (HTTP 200) with `unknown_error`. */
function internalErrorInBand(answer: Answer): boolean {
  if (!answer.text.startsWith("{")) return false;
  const body = JSON.parse(answer.text) as { type?: unknown; error?: unknown };
  return body.type === "error" && body.error === "unknown_error";
}

/** Text for a failure message: runs of one character written `<"x" × 3000>`, and at most 2000 characters. */
function shown(text: string): string {
  const short = text.replace(
    /(.)\1{19,}/gsu,
    (run: string, c: string) => `<${JSON.stringify(c)} × ${[...run].length}>`,
  );
  return short.length > 2000 ? `${short.slice(0, 2000)}… (${short.length} characters)` : short;
}

// ---------------------------------------------------------------------------------------------------------------
// Resources: the real ones kept for property 4, and throwaway ones for routes that change things.

interface Resources {
  thread_id: string;
  run_id: string;
  assistant_id: string;
  cron_id: string;
  checkpoint_id: string;
  namespace: string;
}

let kept: Resources;
const KEPT_ITEM = { namespace: ["fuzz-kept", "items"], key: "kept" };

/** A run's input for each graph of langgraph.json. */
const INPUTS: Record<string, Record<string, unknown>> = {
  simple: { count: 1 },
  agent: { messages: [{ type: "human", content: "hi" }] },
  nested: { text: "hi" },
  memory: { note: "hi" },
};

async function createResources(tag: string, graphId = "simple"): Promise<Resources> {
  const assistant = await client.assistants.create({ graphId, name: `fuzz ${tag}`, metadata: { fuzz: tag } });
  const thread = await client.threads.create({ metadata: { fuzz: tag } });
  const run = await client.runs.create(thread.thread_id, assistant.assistant_id, { input: INPUTS[graphId] });
  await client.runs.join(thread.thread_id, run.run_id);
  const cron = await client.crons.createForThread(thread.thread_id, assistant.assistant_id, {
    schedule: "0 0 1 1 *",
    input: INPUTS[graphId],
  });
  const state = await client.threads.getState(thread.thread_id);
  return {
    thread_id: thread.thread_id,
    run_id: run.run_id,
    assistant_id: assistant.assistant_id,
    cron_id: cron.cron_id,
    checkpoint_id: state.checkpoint.checkpoint_id!,
    namespace: "inner",
  };
}

/** Everything the API says about the kept resources. */
async function snapshotKept(): Promise<Record<string, unknown>> {
  const get = async (path: string, body?: unknown) => {
    const res = await fetch(
      system.url + path,
      body === undefined
        ? {}
        : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
    );
    return { status: res.status, body: await res.json() };
  };
  const t = `/threads/${kept.thread_id}`;
  const crons = (await get("/runs/crons/search", { limit: 1000 })).body as { cron_id: string }[];
  return {
    thread: await get(t),
    state: await get(`${t}/state`),
    checkpoint: await get(`${t}/state/${kept.checkpoint_id}`),
    history: await get(`${t}/history`, { limit: 100 }),
    runs: await get(`${t}/runs?limit=100`),
    run: await get(`${t}/runs/${kept.run_id}`),
    assistant: await get(`/assistants/${kept.assistant_id}`),
    versions: await get(`/assistants/${kept.assistant_id}/versions`, { limit: 100 }),
    cron: crons.find((c) => c.cron_id === kept.cron_id) ?? "missing",
    item: await get(`/store/items?namespace=${KEPT_ITEM.namespace.join(".")}&key=${KEPT_ITEM.key}`),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The generator.

/** Field names from the real request shapes. */
const FIELDS = [
  "limit",
  "offset",
  "metadata",
  "input",
  "config",
  "context",
  "stream_mode",
  "assistant_id",
  "thread_id",
  "run_ids",
  "namespace",
  "namespace_prefix",
  "prefix",
  "suffix",
  "max_depth",
  "key",
  "value",
  "ttl",
  "index",
  "filter",
  "query",
  "schedule",
  "timezone",
  "end_time",
  "enabled",
  "on_run_completed",
  "if_exists",
  "if_not_exists",
  "sort_by",
  "sort_order",
  "select",
  "checkpoint",
  "checkpoint_id",
  "command",
  "values",
  "as_node",
  "status",
  "ids",
  "graph_id",
  "name",
  "description",
  "version",
  "thread_ids",
  "strategy",
  "before",
  "subgraphs",
  "interrupt_before",
  "interrupt_after",
  "multitask_strategy",
  "on_disconnect",
  "on_completion",
  "after_seconds",
  "webhook",
  "feedback_keys",
  "durability",
  "stream_subgraphs",
  "stream_resumable",
  "refresh_ttl",
  "supersteps",
  // the thread-centric protocol's commands and event streams
  "id",
  "method",
  "params",
  "keys",
  "interrupt_id",
  "response",
  "responses",
  "run_id",
  "channels",
  "namespaces",
  "depth",
  "since",
];

const nested = (depth: number, leaf: unknown = 1): unknown => {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
};
const nestedArray = (depth: number): unknown => {
  let v: unknown = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};

/** Values that are wrong, odd or at the edges for some field (some happen to be valid for another). */
function weirdValue(rng: Rng): unknown {
  const r = rng();
  if (r < 0.02) return "x".repeat(450_000); // over DynamoDB's 400 KB item
  if (r < 0.05) return nested(pick(rng, [20, 40, 200]));
  if (r < 0.07) return nestedArray(pick(rng, [40, 200]));
  return pick(rng, [
    null,
    true,
    false,
    0,
    -1,
    -0.5,
    1.5,
    1e308,
    -1e308,
    2 ** 53 + 1,
    1e21,
    123456789012345678901234567890,
    1e-300,
    "",
    " ",
    "😀",
    "\u0000",
    "a\u0000b",
    "\ud800",
    "ü∑ß∂ƒ©",
    "null",
    "true",
    "1",
    "-1",
    "NaN",
    "*",
    ".",
    "..",
    "a.b",
    "a:b",
    "x".repeat(3000),
    "y".repeat(1100),
    "simple",
    "agent",
    "nested",
    "memory",
    "values",
    "updates",
    "create",
    "reject",
    "enqueue",
    "interrupt",
    "rollback",
    "delete",
    "keep",
    "raise",
    "do_nothing",
    "asc",
    "desc",
    "created_at",
    "* * * * *",
    "0 0 31 2 *",
    "61 * * * *",
    "2020-01-01T00:00:00Z",
    "not-a-date",
    "Mars/Olympus",
    "http://127.0.0.1:1/hook",
    "ftp://x",
    "langgraph",
    "run.start",
    "input.respond",
    "state.get",
    "state.listCheckpoints",
    "state.fork",
    "agent.getTree",
    "input.inject",
    "custom:x",
    "lifecycle",
    "00000000-0000-4000-8000-000000000000",
    uuid4(rng),
    "not-a-uuid",
    [],
    [null],
    [1, "a", null],
    [""],
    ["a.b"],
    ["langgraph"],
    ["a:b"],
    ["*"],
    ["x".repeat(3000)],
    ["y".repeat(1100)],
    ["a", "b", "c"],
    Array.from({ length: 1001 }, (_, i) => `id${i}`),
    {},
    { "": 1 },
    { "": { "": "" } },
    { a: 1e308 },
    { a: -1e308 },
    { a: 123456789012345678901234567890 },
    { "a.b": { $gt: 1 } },
    { $in: [1] },
    { checkpoint_id: "x" },
    { checkpoint_id: 5 },
    { configurable: "x" },
    { configurable: { thread_id: 5 } },
    { checkpoint_ns: "inner" },
    { checkpoint_ns: "x" },
    { checkpoint_ns: "", checkpoint_id: "1f0a0000-0000-6000-8000-000000000000" },
    "__start__",
    "__end__",
    "increment",
    "tools",
    { messages: [{ type: "human", content: "x" }] },
    { text: 5 },
    { note: [] },
    { tags: "x" },
    { recursion_limit: -1 },
    { recursion_limit: 1e308 },
    { resume: null },
    { goto: ["nowhere"] },
    { update: [[1, 2]] },
    { messages: "x" },
    { messages: [{ type: "bogus" }] },
    { count: "x" },
    { count: 1e308 },
    { ["k".repeat(300)]: 1 },
    { ["x".repeat(70_000)]: 1 },
    // maps that real DynamoDB refuses and dynalite accepts: empty keys below the top level, too deep, long names
    { a: { "": 1 } },
    { a: [{ "": 1 }] },
    { a: { b: [[{ "": null }]] } },
    { a: nested(30) },
    { a: nested(31) },
    nested(32),
    { a: [nested(29)] },
    { a: { ["x".repeat(66_000)]: 1 } },
    { ["é".repeat(33_000)]: 1 },
    { a: [{ ["k".repeat(40_000)]: 1 }] },
  ]);
}

/** Bodies that are not JSON, or are JSON of the wrong shape altogether (as raw text). */
const RAW_BODIES = [
  "",
  " ",
  "{",
  "}",
  "not json",
  '{"a":',
  "[1,2",
  "\u0000",
  "NaN",
  "undefined",
  "{'a':1}",
  "\ufeff{}",
  "{}{}",
  "[]]",
  '{"a":1,}',
  "1e999",
  "-",
  '"unterminated',
  "nul",
  "\ud800",
  '{"\\ud800":1}',
  '{"__proto__":{"polluted":1}}',
  '{"metadata":{"__proto__":{"x":1}},"limit":1}',
  '{"constructor":{"prototype":{"x":1}}}',
  "[".repeat(5000) + "]".repeat(5000),
  "null",
  "true",
  "false",
  "0",
  "-1",
  "1e308",
  '"str"',
  '""',
  "[]",
  "[null]",
  "[{}]",
  '[1,"a",{}]',
  "{}",
];

function randomObject(rng: Rng): Record<string, unknown> {
  const obj: Record<string, unknown> = {};
  const n = 1 + Math.floor(rng() * 5);
  for (let i = 0; i < n; i++) obj[pick(rng, FIELDS)] = weirdValue(rng);
  return obj;
}

/** One fuzzed body for a route whose valid body is `base`, as raw text. */
function fuzzBody(rng: Rng, base: unknown, ids: string[]): string {
  const r = rng();
  if (r < 0.15) return pick(rng, RAW_BODIES);
  if (r < 0.25) return JSON.stringify(weirdValue(rng));
  if (r < 0.35) return JSON.stringify(randomObject(rng));
  // The valid body with one to three fields (its own, or any known one) set to something else.
  const wrap = Array.isArray(base);
  const body = { ...((wrap ? base[0] : base) as Record<string, unknown>) };
  const own = Object.keys(body);
  const n = 1 + Math.floor(rng() * 3);
  for (let i = 0; i < n; i++) {
    const field = own.length && chance(rng, 0.5) ? pick(rng, own) : pick(rng, FIELDS);
    const isObject = typeof body[field] === "object" && body[field] !== null && !Array.isArray(body[field]);
    body[field] =
      chance(rng, 0.15) && ids.length
        ? pick(rng, ids)
        : isObject && chance(rng, 0.5)
          ? randomObject(rng)
          : weirdValue(rng);
  }
  if (chance(rng, 0.1)) delete body[pick(rng, own.length ? own : FIELDS)];
  return JSON.stringify(
    wrap ? (chance(rng, 0.5) ? [body] : [base[0], body, ...(chance(rng, 0.2) ? Array(100).fill(base[0]) : [])]) : body,
  );
}

const QUERY_KEYS = [
  "limit",
  "offset",
  "status",
  "xray",
  "recurse",
  "subgraphs",
  "delete_threads",
  "wait",
  "action",
  "namespace",
  "key",
  "refresh_ttl",
  "cancel_on_disconnect",
  "stream_mode",
  "select",
  "sort_by",
  "metadata",
];
const QUERY_VALUES = [
  "",
  "-1",
  "0",
  "1",
  "2",
  "true",
  "false",
  "abc",
  "1e400",
  "99999999999999999999",
  "1.5",
  "%00",
  "%ZZ",
  "a.b",
  "a..b",
  ".",
  "langgraph",
  "%F0%9F%98%80",
  "x".repeat(3000),
  "y".repeat(1100),
  "%5B%5D",
  "%7B%7D",
  "null",
  "interrupt",
  "rollback",
  "pending",
];

function fuzzQuery(rng: Rng, own: string[]): string {
  if (chance(rng, 0.1)) return pick(rng, ["?", "?&&&", "?=", "?%", "?a=1&a=2", "?limit=1&limit=x"]);
  const keys = own.length && chance(rng, 0.6) ? own : QUERY_KEYS;
  const parts = Array.from(
    { length: 1 + Math.floor(rng() * 3) },
    () => `${pick(rng, keys)}=${pick(rng, QUERY_VALUES)}`,
  );
  return `?${parts.join("&")}`;
}

/** Path values that are not ids: each is tried once per route, in one of its params (taking turns). */
const GARBAGE = [
  "not-a-uuid",
  "%00",
  "x".repeat(3000),
  "y".repeat(1100),
  "%F0%9F%98%80%C3%BC",
  "%25",
  "..%2F..%2Fetc",
  "%ZZ",
  "%20",
  "null",
  "-1",
  "'%20OR%20'1'%3D'1",
  "__proto__",
  "constructor",
  "%ED%A0%80",
];

// ---------------------------------------------------------------------------------------------------------------

beforeAll(async () => {
  // Fuzzed runs fail in the worker by the dozen (their input is garbage), each logged: keep those logs out of the
  // output, and every other error (an unhandled one in a request handler above all) in it.
  const consoleError = console.error.bind(console);
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    if (typeof args[0] !== "string" || !args[0].includes('"msg":"run failed"')) consoleError(...args);
  });
  ({ system, client } = await localServer({ cronTickMs: 0 }));
  kept = await createResources("kept");
  await client.store.putItem(KEPT_ITEM.namespace, KEPT_ITEM.key, { kept: true });
  // A graph's first schema extraction (TypeScript's checker, once per graph, then cached) takes seconds, more on a
  // busy machine: a one-time cost the README names, not what the 10 s answer limit below is about. Pay it here.
  for (const assistant of await client.assistants.search({ limit: 100 })) {
    await client.assistants.getSchemas(assistant.assistant_id);
  }
}, 300_000);
afterAll(async () => {
  await system?.close();
  vi.restoreAllMocks();
});

// Generous: a busy machine or Amazon's DynamoDB Local (npm run test:dynamodb-local) is several times slower.
describe("fuzzing every route", { timeout: 300_000 }, () => {
  it("has a valid and a malformed body for every route that takes one", () => {
    expect(routes.filter((r) => r.body && !BODIES[keyOf(r)]).map(keyOf), "add these routes to BODIES").toEqual([]);
    const withBody = new Set(routes.filter((r) => r.body).map(keyOf));
    expect(
      Object.keys(BODIES).filter((key) => !withBody.has(key)),
      "routes in BODIES that take no body (or are gone)",
    ).toEqual([]);
  });

  it("answers no request with a 5xx, and leaves the resources it did not mean to change as they were", async () => {
    const before = await snapshotKept();
    const failures: string[] = [];
    let sent = 0;
    let held = 0;
    const started = Date.now();

    const took: [string, number][] = [];
    async function fuzzRoute(route: Route): Promise<void> {
      const key = keyOf(route);
      const routeStarted = Date.now();
      const rng = mulberry32(seedFor(key));
      const params = paramsOf(route);
      // Throwaway resources run one of the graphs (each refuses different state updates); the kept ones "simple".
      const real =
        params.length === 0 || readOnly(route) ? kept : await createResources(key, pick(rng, Object.keys(INPUTS)));
      const realValues = (over: Partial<Record<string, string>> = {}) =>
        Object.fromEntries(params.map((p) => [p, over[p] ?? (real as unknown as Record<string, string>)[p]]));
      // Path variants: the real ids for every other request (so the bodies reach the stores), and in between, once
      // each: every id unknown, each id unknown alone, and each garbage value in one param (taking turns).
      const others: Record<string, string>[] = [Object.fromEntries(params.map((p) => [p, uuid4(rng)]))];
      if (params.length > 1) for (const p of params) others.push(realValues({ [p]: uuid4(rng) }));
      GARBAGE.forEach((g, j) => others.push(realValues({ [params[j % params.length]]: g })));
      if (route.path.includes(":assistant_id") && readOnly(route)) others.push(realValues({ assistant_id: "simple" }));
      const base = BODIES[key]?.valid;
      const bodyIds = [real.thread_id, real.run_id, real.assistant_id, real.cron_id].filter(() => real !== kept);
      const count = params.length ? Math.max(PER_ROUTE, 2 * others.length) : PER_ROUTE;
      for (let i = 0; i < count; i++) {
        const values = params.length === 0 || i % 2 === 0 ? realValues() : others[(i >> 1) % others.length];
        let path = fill(route.path, values);
        if (!route.body || route.query || chance(rng, 0.2)) {
          if (chance(rng, 0.6)) path += fuzzQuery(rng, queryKeysOf(route));
        }
        const req: Req = { method: route.method, path };
        if (route.method !== "GET") {
          if (base !== undefined) req.body = fuzzBody(rng, base, bodyIds);
          else if (chance(rng, 0.5))
            req.body = chance(rng, 0.5) ? pick(rng, RAW_BODIES) : JSON.stringify(randomObject(rng));
        }
        if (chance(rng, 0.1))
          req.headers = {
            "content-type": pick(rng, [
              "text/plain",
              "application/octet-stream",
              "application/x-www-form-urlencoded",
              "",
            ]),
          };
        if (chance(rng, 0.1))
          req.headers = {
            ...req.headers,
            "last-event-id": pick(rng, ["abc", "-5", "-1", "1e3", "99999999999999999999", "", "0"]),
          };
        const answer = await send(req, holdsConnection(route));
        sent++;
        if (answer.timedOut) held++;
        if (answer.status >= 500 || (answer.timedOut && !holdsConnection(route)) || internalErrorInBand(answer)) {
          failures.push(
            [
              `${route.method} ${shown(path)}`,
              `  route: ${key}, request #${i} of FUZZ_SEED=${SEED}`,
              `  headers: ${JSON.stringify(req.headers ?? {})}`,
              `  body: ${req.body === undefined ? "(none)" : shown(req.body)}`,
              `  → ${answer.timedOut ? `no answer in ${ANSWER_TIMEOUT_MS} ms` : answer.status} ${shown(answer.text)}`,
            ].join("\n"),
          );
        }
      }
      took.push([key, Date.now() - routeStarted]);
    }

    const queue = [...routes];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let route = queue.shift(); route; route = queue.shift()) await fuzzRoute(route);
      }),
    );
    const slowest = took
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([key, ms]) => `${key} ${ms} ms`);
    console.info(
      `fuzz: ${sent} requests over ${routes.length} routes in ${Date.now() - started} ms (FUZZ_SEED=${SEED}), ${held} held past ${STREAM_STATUS_TIMEOUT_MS} ms; slowest: ${slowest.join(", ")}`,
    );
    const after = await snapshotKept();
    if (process.env.FUZZ_REPORT)
      (await import("node:fs")).writeFileSync(process.env.FUZZ_REPORT, failures.join("\n\n"));
    expect(failures, `${failures.length} requests answered 5xx or not at all:\n\n${failures.join("\n\n")}`).toEqual([]);
    expect(after).toEqual(before);
  });

  // The official server (Hono) has no 405: a method no route serves is a 404 `404 Not Found`, as an unknown path.
  it("answers a method no route serves at a path with 404 `404 Not Found`", async () => {
    const rng = mulberry32(seedFor("methods"));
    const segments = (path: string) => path.split("/").filter(Boolean);
    const matches = (pattern: string, path: string) => {
      const [a, b] = [segments(pattern), segments(path)];
      return a.length === b.length && a.every((s, i) => s.startsWith(":") || s === b[i]);
    };
    const problems: string[] = [];
    for (const pattern of new Set(routes.map((r) => r.path))) {
      // Unknown ids: were a method to reach a handler after all, it would change nothing.
      const path = fill(
        pattern,
        Object.fromEntries(paramsOf(routes.find((r) => r.path === pattern)!).map((p) => [p, uuid4(rng)])),
      );
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
        // `GET /threads/search` is GET /threads/{thread_id} of thread "search": served, as on LangGraph Platform.
        if (routes.some((r) => r.method === method && matches(r.path, path))) continue;
        const answer = await send({ method, path, body: method === "GET" ? undefined : "{}" }, false);
        if (answer.status !== 404 || answer.text !== "404 Not Found")
          problems.push(`${method} ${path} → ${answer.status} ${shown(answer.text)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("answers a malformed body with 422 naming the field", async () => {
    const scratch = await createResources("malformed");
    const problems: string[] = [];
    for (const route of routes) {
      const spec = BODIES[keyOf(route)];
      if (!spec) continue;
      const path = fill(route.path, scratch as unknown as Record<string, string>);
      const body = JSON.stringify(spec.malformed.body);
      const answer = await send({ method: route.method, path, body }, false);
      let locs: unknown[][] = [];
      try {
        const detail = (JSON.parse(answer.text) as { detail?: unknown }).detail;
        if (Array.isArray(detail)) locs = detail.map((d) => (d as { loc?: unknown[] }).loc ?? []);
      } catch {
        // not JSON: reported below
      }
      if (answer.status !== 422 || !locs.some((loc) => loc.map(String).includes(spec.malformed.field))) {
        problems.push(
          `${route.method} ${route.path} ${body} → ${answer.status} ${answer.text.slice(0, 300)} (expected 422 naming "${spec.malformed.field}")`,
        );
      }
    }
    expect(problems).toEqual([]);
  });

  it("answers a malformed query string with 422 naming the parameter under `query`", async () => {
    const scratch = await createResources("malformed-query");
    // One value each parameter's schema refuses (store reads need namespace and key; only the bad one varies).
    const BAD: Record<string, string> = {
      delete_threads: "maybe",
      xray: "deep",
      recurse: "maybe",
      subgraphs: "maybe",
      limit: "ten",
      offset: "-1",
      status: "finished",
      wait: "maybe",
      action: "explode",
      cancel_on_disconnect: "maybe",
      stream_mode: "everything",
      refresh_ttl: "maybe",
      namespace: "",
    };
    const problems: string[] = [];
    let checked = 0;
    for (const route of routes) {
      const spec = BODIES[keyOf(route)];
      for (const name of queryKeysOf(route)) {
        if (!(name in BAD)) continue;
        const others: Record<string, string> = route.path === "/store/items" ? { namespace: "fuzz", key: "k" } : {};
        const search = new URLSearchParams({ ...others, [name]: BAD[name] });
        const path = `${fill(route.path, scratch as unknown as Record<string, string>)}?${search}`;
        const answer = await send(
          { method: route.method, path, body: spec ? JSON.stringify(spec.valid) : undefined },
          false,
        );
        checked++;
        let locs: string[] = [];
        try {
          const detail = (JSON.parse(answer.text) as { detail?: unknown } | null)?.detail;
          if (Array.isArray(detail))
            locs = detail.map((d) => ((d as { loc?: unknown[] }).loc ?? []).map(String).join("."));
        } catch {
          // not JSON: reported below
        }
        if (answer.status !== 422 || !locs.some((loc) => loc.startsWith(`query.${name}`))) {
          problems.push(
            `${route.method} ${shown(path)} → ${answer.status} ${shown(answer.text)} (expected 422 naming query.${name})`,
          );
        }
      }
    }
    expect(checked).toBeGreaterThan(15);
    expect(problems).toEqual([]);
  });

  it("answers an unknown id with 404", async () => {
    const scratch = await createResources("unknown");
    const rng = mulberry32(seedFor("unknown ids"));
    const problems: string[] = [];
    for (const route of routes) {
      const ids = paramsOf(route).filter((p) => ID_PARAMS.includes(p));
      if (ids.length === 0) continue;
      const real = readOnly(route) ? kept : scratch;
      const spec = BODIES[keyOf(route)];
      const unknownAll = Object.fromEntries(
        paramsOf(route).map((p) => [
          p,
          ID_PARAMS.includes(p) ? uuid4(rng) : (real as unknown as Record<string, string>)[p],
        ]),
      );
      const cases = [
        unknownAll,
        ...ids.map((p) => ({ ...(real as unknown as Record<string, string>), [p]: uuid4(rng) })),
      ];
      for (const values of cases) {
        const path = fill(route.path, values);
        const body = spec ? JSON.stringify(spec.valid) : undefined;
        const answer = await send({ method: route.method, path, body }, holdsConnection(route));
        const expected = NOT_404[keyOf(route)] ?? ((a: Answer) => a.status === 404);
        if (!expected(answer))
          problems.push(`${route.method} ${path} ${body ?? ""} → ${answer.status} ${answer.text.slice(0, 300)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("answers what the fuzzer once found answered 5xx (or wrongly) with 4xx", async () => {
    const scratch = await createResources("regressions");
    const agent = await createResources("regressions", "agent");
    const x3000 = "x".repeat(3000); // over DynamoDB's 2048-byte partition key
    const y1100 = "y".repeat(1100); // over its 1024-byte sort key
    const big = { big: "z".repeat(450_000) }; // over its 400 KB item
    const t = `/threads/${scratch.thread_id}`;
    const command = (params: Record<string, unknown>) => ({
      id: 1,
      method: "run.start",
      params: { assistant_id: "simple", ...params },
    });
    const cases: { method: string; path: string; body?: unknown; status: number; field?: string }[] = [
      // ids no DynamoDB key could hold are the ids of nothing
      { method: "GET", path: `/threads/${x3000}`, status: 422, field: "thread_id" }, // path ids are UUIDs
      { method: "GET", path: `${t}/runs/${y1100}`, status: 422, field: "run_id" },
      { method: "GET", path: `/assistants/${x3000}/graph`, status: 404 },
      { method: "DELETE", path: `/runs/crons/${x3000}`, status: 422, field: "cron_id" },
      { method: "GET", path: `/runs/${x3000}/stream`, status: 422 },
      { method: "POST", path: "/threads/prune", body: { thread_ids: [""] }, status: 200 },
      { method: "POST", path: "/runs/cancel", body: { thread_id: x3000 }, status: 204 },
      { method: "POST", path: "/store/items/search", body: { namespace_prefix: [x3000] }, status: 200 },
      { method: "POST", path: "/store/namespaces", body: { prefix: ["a", y1100] }, status: 200 },
      // checkpoints that are not there
      { method: "GET", path: `${t}/state/${uuid4(mulberry32(1))}`, status: 404 },
      { method: "GET", path: `${t}/state/${x3000}`, status: 422, field: "checkpoint_id" },
      { method: "POST", path: `${t}/history`, body: { before: y1100 }, status: 404 },
      // state updates the graph refuses, from checkpoints that are not there; runs from those
      { method: "POST", path: `${t}/state`, body: { values: [] }, status: 422, field: "values" },
      { method: "POST", path: `${t}/state`, body: { values: {}, as_node: "nope" }, status: 422, field: "as_node" },
      {
        method: "POST",
        path: `/threads/${agent.thread_id}/state`,
        body: { values: { messages: [{ type: "bogus" }] } },
        status: 422,
        field: "values",
      },
      { method: "POST", path: `${t}/state`, body: { values: {}, checkpoint: { checkpoint_ns: "x" } }, status: 404 },
      { method: "POST", path: `${t}/state`, body: { values: {}, checkpoint_id: uuid4(mulberry32(2)) }, status: 404 },
      { method: "POST", path: `${t}/runs`, body: { ...runBody, checkpoint_id: y1100 }, status: 404 },
      {
        method: "POST",
        path: `${t}/runs`,
        body: { ...runBody, checkpoint: { checkpoint_id: 5 } },
        status: 422,
        field: "checkpoint_id",
      },
      // metadata a DynamoDB map cannot hold
      { method: "PATCH", path: t, body: { metadata: { a: 1e308 } }, status: 422, field: "a" },
      { method: "POST", path: "/threads", body: { metadata: { "": 1 } }, status: 422, field: "metadata" },
      { method: "POST", path: "/threads/search", body: { metadata: { a: { b: 2 ** 60 } } }, status: 422, field: "b" },
      { method: "POST", path: `${t}/runs`, body: { ...runBody, metadata: { a: 1e-300 } }, status: 422, field: "a" },
      { method: "POST", path: "/threads", body: { metadata: nested(40) }, status: 422, field: "metadata" },
      // ... and what AWS refuses though dynalite stores it (issue 13; measured on DynamoDB Local)
      { method: "POST", path: "/threads", body: { metadata: { a: { "": 1 } } }, status: 422, field: "metadata" },
      { method: "PATCH", path: t, body: { metadata: { a: [{ "": 1 }] } }, status: 422, field: "metadata" },
      { method: "POST", path: "/threads/count", body: { metadata: { a: nested(31) } }, status: 422, field: "metadata" },
      {
        method: "POST",
        path: "/threads/search",
        body: { metadata: { a: { ["x".repeat(66_000)]: 1 } } },
        status: 422,
        field: "metadata",
      },
      {
        method: "POST",
        path: `${t}/runs`,
        body: { ...runBody, metadata: { a: [[{ "": 1 }]] } },
        status: 422,
        field: "metadata",
      },
      {
        method: "POST",
        path: "/runs",
        body: { ...runBody, metadata: { ["é".repeat(33_000)]: 1 } },
        status: 422,
        field: "metadata",
      },
      // a thread created for a run has a UUID, as one created by POST /threads
      {
        method: "POST",
        path: "/threads/not-a-uuid/runs",
        body: { ...runBody, if_not_exists: "create" },
        status: 422,
        field: "thread_id",
      },
      // items over 400 KB
      { method: "POST", path: "/threads", body: { metadata: big }, status: 422 },
      { method: "PATCH", path: t, body: { metadata: big }, status: 422 },
      { method: "POST", path: "/assistants", body: { graph_id: "simple", config: big }, status: 422 },
      { method: "PATCH", path: `/assistants/${scratch.assistant_id}`, body: { context: big }, status: 422 },
      { method: "POST", path: "/runs/crons", body: { ...cronBody, input: big }, status: 422 },
      { method: "POST", path: "/runs/wait", body: { ...runBody, input: big }, status: 422 },
      { method: "POST", path: `${t}/runs`, body: { ...runBody, input: big }, status: 422 },
      // the protocol's run.start is held to the same (an in-band invalid_argument, not unknown_error) …
      {
        method: "POST",
        path: `${t}/commands`,
        body: command({ metadata: { a: 1e308 } }),
        status: 200,
        field: "invalid_argument",
      },
      { method: "POST", path: `${t}/commands`, body: command({ input: big }), status: 200, field: "invalid_argument" },
      // … and each was refused before the thread was taken: the next run starts
      { method: "POST", path: `${t}/runs`, body: runBody, status: 200 },
    ];
    const problems: string[] = [];
    for (const c of cases) {
      const answer = await send(
        { method: c.method, path: c.path, body: c.body === undefined ? undefined : JSON.stringify(c.body) },
        c.path.endsWith("/stream"),
      );
      // `field` is named in a 422's detail[].loc, or is the protocol's in-band error code.
      // (errors other than bad input answer their message as plain text, as the official server does)
      const body = (answer.text.startsWith("{") ? JSON.parse(answer.text) : {}) as {
        detail?: unknown;
        error?: unknown;
      };
      const locs = Array.isArray(body.detail)
        ? body.detail.map((d) => ((d as { loc?: unknown[] }).loc ?? []).map(String))
        : [];
      const named =
        !c.field || (answer.status === 422 ? locs.some((loc) => loc.includes(c.field!)) : body.error === c.field);
      if (answer.status !== c.status || !named) {
        problems.push(
          `${c.method} ${shown(c.path)} ${shown(JSON.stringify(c.body) ?? "")} → ${answer.status} ${shown(answer.text)} (expected ${c.status}${c.field ? ` naming "${c.field}"` : ""})`,
        );
      }
    }
    expect(problems).toEqual([]);
  });

  it("keeps a thread whose metadata leaves no room for the copy of its values usable, and copyable", async () => {
    // 340 KB of metadata, then 80 KB of values: together over DynamoDB's 400 KB item, so the thread keeps no copy
    // of its values (its checkpoints have them) rather than staying busy after the run (the next one was a 409).
    const thread = await client.threads.create({ metadata: { big: "m".repeat(340_000) } });
    const input = { messages: [{ type: "human", content: "h".repeat(40_000) }] };
    const values = (await client.runs.wait(thread.thread_id, "agent", { input })) as { messages: unknown[] };
    expect(values.messages).toHaveLength(2);
    expect((await client.threads.get(thread.thread_id)).status).toBe("idle");
    await client.runs.wait(thread.thread_id, "agent", { input: { messages: [{ type: "human", content: "again" }] } });
    expect(((await client.threads.getState(thread.thread_id)).values as { messages: unknown[] }).messages).toHaveLength(
      4,
    );
    const copy = await client.threads.copy(thread.thread_id);
    expect(((await client.threads.getState(copy.thread_id)).values as { messages: unknown[] }).messages).toHaveLength(
      4,
    );
  });

  it("creates the thread of a run on an unknown thread with if_not_exists=create (the exception to 404)", async () => {
    // LangGraph Platform semantics: POST /threads/{id}/runs… with if_not_exists: "create" makes the thread rather
    // than answering 404 (see NOT_404 for the others).
    const threadId = uuid4(mulberry32(seedFor("if_not_exists")));
    const res = await fetch(`${system.url}/threads/${threadId}/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...runBody, if_not_exists: "create" }),
    });
    expect(res.status).toBe(200);
    const run = (await res.json()) as { run_id: string; thread_id: string };
    expect(run.thread_id).toBe(threadId);
    await client.runs.join(threadId, run.run_id);
    expect((await client.threads.get(threadId)).thread_id).toBe(threadId);
  });
});
