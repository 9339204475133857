/**
 * `npm run compat`: a conformance report, not a test. Starts lambdagraph's local server and the official LangGraph JS
 * server (@langchain/langgraph-api) on bench/compat/langgraph.json, makes the same SDK calls against both and
 * compares what a client observes:
 * - streams: for every stream mode (with and without subgraphs), the sequence of SSE event names and the SHAPE of
 *   each payload (keys recursively and value types; ids, timestamps and other values are ignored);
 * - history: lengths after runs, with limit / before / metadata filters, around an interrupt;
 * - objects: the shape of threads, runs, assistants and state as the SDK returns them;
 * - errors: status code and body of unknown ids, a busy thread, malformed bodies.
 * Prints a markdown table of matches and differences (and writes it with `--out file.md`). Always exits 0.
 */
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Client } from "@langchain/langgraph-sdk";
import { startServer, type RunningServer, type ServerKind } from "./servers.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const { values: args } = parseArgs({
  options: { out: { type: "string" }, details: { type: "string", default: "12" } },
});
const CONFIG = join(import.meta.dirname, "compat/langgraph.json");
const MAX_DETAILS = Number(args.details);
const log = (msg: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${msg}\n`);

// ---------------------------------------------------------------- shapes

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** Ids inside event names and object keys (`values|research:<task id>`, interrupts keyed by task id) become `<id>`. */
const withoutIds = (text: string) => text.replace(UUID, "<id>");

/** Every leaf of a JSON value as "path: type" (arrays by index, keys without ids). */
function leafPaths(value: unknown, prefix = "$"): string[] {
  if (value === null) return [`${prefix}: null`];
  if (Array.isArray(value))
    return value.length === 0 ? [`${prefix}: []`] : value.flatMap((item, i) => leafPaths(item, `${prefix}[${i}]`));
  if (typeof value === "object") {
    const keys = Object.keys(value as object);
    if (keys.length === 0) return [`${prefix}: {}`];
    return keys
      .sort()
      .flatMap((key) => leafPaths((value as Record<string, unknown>)[key], `${prefix}.${withoutIds(key)}`));
  }
  return [`${prefix}: ${typeof value}`];
}

interface Outcome {
  match: boolean;
  ours: string;
  official: string;
  details: string[];
}

function diffPaths(label: string, ours: Set<string>, official: Set<string>): string[] {
  const out: string[] = [];
  for (const path of official) if (!ours.has(path)) out.push(`${label} only official: ${path}`);
  for (const path of ours) if (!official.has(path)) out.push(`${label} only ours: ${path}`);
  return out;
}

function compareShapes(ours: unknown, official: unknown): Outcome {
  const details = diffPaths("", new Set(leafPaths(ours)), new Set(leafPaths(official))).map((d) => d.trim());
  return { match: details.length === 0, ours: "", official: "", details };
}

interface StreamEvent {
  event: string;
  data: unknown;
}

/** "values values values updates" → "values×3 updates". */
function runLengths(names: string[]): string {
  const parts: string[] = [];
  for (let i = 0; i < names.length;) {
    let j = i;
    while (j < names.length && names[j] === names[i]) j++;
    parts.push(j - i > 1 ? `${names[i]}×${j - i}` : names[i]);
    i = j;
  }
  return parts.join(" ");
}

function compareStreams(ours: StreamEvent[], official: StreamEvent[]): Outcome {
  const namesOurs = ours.map((e) => e.event);
  const namesOfficial = official.map((e) => e.event);
  const details: string[] = [];
  const sameNames = namesOurs.join("\n") === namesOfficial.join("\n");
  if (!sameNames)
    details.push(`event names: ours [${runLengths(namesOurs)}] vs official [${runLengths(namesOfficial)}]`);
  // Payload shapes per event name, so a different event count still compares the payloads that exist on both sides.
  const byName = (events: StreamEvent[]) => {
    const map = new Map<string, Set<string>>();
    for (const e of events) {
      const set = map.get(e.event) ?? new Set<string>();
      for (const path of leafPaths(e.data)) set.add(path.replace(/\[\d+\]/g, "[]"));
      map.set(e.event, set);
    }
    return map;
  };
  const shapesOurs = byName(ours);
  const shapesOfficial = byName(official);
  for (const [name, paths] of shapesOfficial) {
    const mine = shapesOurs.get(name);
    if (mine) details.push(...diffPaths(name, mine, paths));
  }
  return { match: details.length === 0, ours: `${ours.length} events`, official: `${official.length} events`, details };
}

// ---------------------------------------------------------------- scenarios (each runs once per server)

type Scenario<T> = (client: Client, server: RunningServer) => Promise<T>;

async function collect(
  client: Client,
  threadId: string | null,
  graph: string,
  payload: Record<string, unknown>,
): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  const parts =
    threadId === null
      ? client.runs.stream(null, graph, payload as never)
      : client.runs.stream(threadId, graph, payload as never);
  for await (const part of parts) events.push({ event: withoutIds(part.event), data: part.data });
  return events;
}

const INPUTS: Record<string, Record<string, unknown>> = {
  agent: { messages: [{ type: "human", content: "Lisbon" }] },
  pipeline: { topic: "tides" },
  nested: { steps: ["start"] },
};
const MODES = [
  "values",
  "updates",
  "messages-tuple",
  "messages",
  "events",
  "debug",
  "tasks",
  "checkpoints",
  "custom",
] as const;

interface Case<T> {
  section: string;
  name: string;
  run: Scenario<T>;
  compare: (ours: T, official: T) => Outcome;
}

const cases: Case<any>[] = [];

for (const graph of ["agent", "pipeline", "nested"]) {
  for (const subgraphs of graph === "nested" ? [false, true] : [false]) {
    for (const mode of MODES) {
      cases.push({
        section: "stream",
        name: `${graph} ${mode}${subgraphs ? " +subgraphs" : ""}`,
        run: async (client) => {
          const thread = await client.threads.create();
          return collect(client, thread.thread_id, graph, {
            input: INPUTS[graph],
            streamMode: mode,
            streamSubgraphs: subgraphs,
          });
        },
        compare: compareStreams,
      });
    }
  }
}

cases.push({
  section: "stream",
  name: "agent [values, updates, messages-tuple]",
  run: async (client) => {
    const thread = await client.threads.create();
    return collect(client, thread.thread_id, "agent", {
      input: INPUTS.agent,
      streamMode: ["values", "updates", "messages-tuple"],
    });
  },
  compare: compareStreams,
});

cases.push({
  section: "stream",
  name: "pipeline run that throws [values, updates, debug]",
  run: async (client) => {
    const thread = await client.threads.create();
    return collect(client, thread.thread_id, "pipeline", {
      input: { topic: "fail" },
      streamMode: ["values", "updates", "debug"],
    });
  },
  compare: compareStreams,
});

cases.push({
  section: "stream",
  name: "pipeline stateless (thread null) values",
  run: (client) => collect(client, null, "pipeline", { input: INPUTS.pipeline, streamMode: "values" }),
  compare: compareStreams,
});

cases.push({
  section: "stream",
  name: "approval: to the interrupt, then resume (values, updates)",
  run: async (client) => {
    const thread = await client.threads.create();
    const first = await collect(client, thread.thread_id, "approval", {
      input: { request: "deploy" },
      streamMode: ["values", "updates"],
    });
    const second = await collect(client, thread.thread_id, "approval", {
      command: { resume: "yes" },
      streamMode: ["values", "updates"],
    });
    return [...first, { event: "--- resume ---", data: null }, ...second];
  },
  compare: compareStreams,
});

cases.push({
  section: "stream",
  name: "join stream of a background run (create + joinStream)",
  run: async (client) => {
    const thread = await client.threads.create();
    const run = await client.runs.create(thread.thread_id, "pipeline", {
      input: INPUTS.pipeline,
      streamMode: ["values", "updates"],
    });
    const events: StreamEvent[] = [];
    for await (const part of client.runs.joinStream(thread.thread_id, run.run_id))
      events.push({ event: withoutIds(part.event), data: part.data });
    return events;
  },
  compare: compareStreams,
});

// History lengths: numbers must be equal, and the entries' shapes too.
interface Counts {
  counts: Record<string, number | string>;
  sample: unknown;
}
const compareCounts = (ours: Counts, official: Counts): Outcome => {
  const keys = Object.keys(official.counts);
  const differing = keys.filter((k) => ours.counts[k] !== official.counts[k]);
  const shape = compareShapes(ours.sample, official.sample);
  const show = (c: Counts) => keys.map((k) => `${k}=${c.counts[k]}`).join(" ");
  return {
    match: differing.length === 0 && shape.match,
    ours: show(ours),
    official: show(official),
    details: [
      ...differing.map((k) => `${k}: ours ${ours.counts[k]} vs official ${official.counts[k]}`),
      ...shape.details.map((d) => `entry shape ${d}`),
    ],
  };
};

cases.push({
  section: "history",
  name: "agent: two runs; limit, before, metadata filter",
  run: async (client) => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, "agent", { input: INPUTS.agent });
    const afterOne = await client.threads.getHistory(thread.thread_id);
    await client.runs.wait(thread.thread_id, "agent", {
      input: { messages: [{ type: "human", content: "Oslo" }] },
      metadata: { pass: "second" },
    });
    const full = await client.threads.getHistory(thread.thread_id);
    const limited = await client.threads.getHistory(thread.thread_id, { limit: 3 });
    // The SDK types `before` as a checkpoint config; the official server validates it as a checkpoint id string.
    const lengthOr = async (options: Record<string, unknown>) =>
      client.threads.getHistory(thread.thread_id, options as never).then(
        (h) => h.length,
        (e: Error) => `error ${e.message.slice(0, 8)}`,
      );
    const before = await lengthOr({ before: full[2].checkpoint });
    const beforeId = await lengthOr({ before: full[2].checkpoint.checkpoint_id });
    const filtered = await client.threads.getHistory(thread.thread_id, { metadata: { pass: "second" } });
    const bySource = await client.threads.getHistory(thread.thread_id, { metadata: { source: "input" } });
    return {
      counts: {
        afterOne: afterOne.length,
        full: full.length,
        limit3: limited.length,
        beforeThird: before,
        beforeThirdId: beforeId,
        metaPass: filtered.length,
        metaSourceInput: bySource.length,
      },
      sample: full[0],
    };
  },
  compare: compareCounts,
});

cases.push({
  section: "history",
  name: "approval: at the interrupt and after resume",
  run: async (client) => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, "approval", { input: { request: "deploy" } });
    const atInterrupt = await client.threads.getHistory(thread.thread_id);
    const waiting = await client.threads.get(thread.thread_id);
    const state = await client.threads.getState(thread.thread_id);
    await client.runs.wait(thread.thread_id, "approval", { command: { resume: "no" } });
    const after = await client.threads.getHistory(thread.thread_id);
    const done = await client.threads.get(thread.thread_id);
    return {
      counts: {
        atInterrupt: atInterrupt.length,
        statusThen: waiting.status,
        next: state.next.join(","),
        tasks: state.tasks.length,
        afterResume: after.length,
        statusAfter: done.status,
      },
      sample: atInterrupt[0],
    };
  },
  compare: compareCounts,
});

cases.push({
  section: "history",
  name: "nested: parent history, state with subgraphs",
  run: async (client) => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, "nested", { input: INPUTS.nested });
    const history = await client.threads.getHistory(thread.thread_id);
    const state = await client.threads.getState(thread.thread_id, undefined, { subgraphs: true });
    return {
      counts: { history: history.length, steps: (state.values as { steps: string[] }).steps.join(">") },
      sample: history[0],
    };
  },
  compare: compareCounts,
});

cases.push({
  section: "history",
  name: "pipeline: one run; updateState adds one",
  run: async (client) => {
    const thread = await client.threads.create();
    await client.runs.wait(thread.thread_id, "pipeline", { input: INPUTS.pipeline });
    const history = await client.threads.getHistory(thread.thread_id);
    await client.threads.updateState(thread.thread_id, { values: { draft: "edited" } });
    const after = await client.threads.getHistory(thread.thread_id);
    return {
      counts: { afterRun: history.length, afterUpdate: after.length, lastSource: String(after[0].metadata?.source) },
      sample: after[0],
    };
  },
  compare: compareCounts,
});

cases.push({
  section: "history",
  name: "runs.list: three runs; order, limit, offset, status",
  run: async (client) => {
    const thread = await client.threads.create();
    for (const n of [1, 2, 3])
      await client.runs.wait(thread.thread_id, "pipeline", { input: INPUTS.pipeline, metadata: { n } });
    const order = async (options?: Parameters<typeof client.runs.list>[1]) =>
      (await client.runs.list(thread.thread_id, options)).map((r) => String(r.metadata?.n)).join("") || "-";
    // Not compared: {offset, limit} together (the official server slices [offset, limit); ours lists limit runs).
    return {
      counts: {
        all: await order(),
        limit2: await order({ limit: 2 }),
        offset1: await order({ offset: 1 }),
        success: await order({ status: "success" }),
        pending: await order({ status: "pending" }),
      },
      sample: (await client.runs.list(thread.thread_id))[0],
    };
  },
  compare: compareCounts,
});

// Object shapes as the SDK returns them.
const objectCase = (name: string, run: Scenario<unknown>) =>
  cases.push({
    section: "objects",
    name,
    run,
    compare: (ours: unknown, official: unknown) => ({ ...compareShapes(ours, official), ours: "", official: "" }),
  });

objectCase(
  "assistant (system, agent)",
  async (client) => (await client.assistants.search({ graphId: "agent", metadata: { created_by: "system" } }))[0],
);
objectCase("threads.create", (client) => client.threads.create());
objectCase("thread after a run", async (client) => {
  const thread = await client.threads.create();
  await client.runs.wait(thread.thread_id, "pipeline", { input: INPUTS.pipeline });
  return client.threads.get(thread.thread_id);
});
objectCase("interrupted thread", async (client) => {
  const thread = await client.threads.create();
  await client.runs.wait(thread.thread_id, "approval", { input: { request: "deploy" } });
  return client.threads.get(thread.thread_id);
});
objectCase("run (runs.create, then runs.get after join)", async (client) => {
  const thread = await client.threads.create();
  const run = await client.runs.create(thread.thread_id, "pipeline", { input: INPUTS.pipeline });
  await client.runs.join(thread.thread_id, run.run_id);
  return { created: run, finished: await client.runs.get(thread.thread_id, run.run_id) };
});
objectCase("runs.wait output (agent)", async (client) => client.runs.wait(null, "agent", { input: INPUTS.agent }));
objectCase("runs.wait output at an interrupt", async (client) => {
  const thread = await client.threads.create();
  return client.runs.wait(thread.thread_id, "approval", { input: { request: "deploy" } });
});
objectCase("threads.getState (agent)", async (client) => {
  const thread = await client.threads.create();
  await client.runs.wait(thread.thread_id, "agent", { input: INPUTS.agent });
  return client.threads.getState(thread.thread_id);
});
objectCase("assistants.getGraph (agent)", async (client) => client.assistants.getGraph("agent"));
objectCase("assistants.getSubgraphs (nested)", async (client) =>
  Object.keys(await client.assistants.getSubgraphs("nested")),
);

// Errors: raw HTTP, so the status and the exact body are visible.
interface Answer {
  status: number;
  body: string;
}
async function call(
  server: RunningServer,
  method: string,
  path: string,
  body?: unknown,
  raw?: string,
): Promise<Answer> {
  const res = await fetch(new URL(path, server.url), {
    method,
    headers: body !== undefined || raw !== undefined ? { "content-type": "application/json" } : {},
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  return { status: res.status, body: withoutIds(await res.text()).slice(0, 2000) };
}
const parsed = (body: string): unknown => {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
};
/** Same status and same body; for a successful JSON answer, the same shape (its values hold ids and timestamps). */
function compareAnswers(ours: Answer, official: Answer): Outcome {
  const status = { ours: String(ours.status), official: String(official.status) };
  const [a, b] = [parsed(ours.body), parsed(official.body)];
  if (ours.status < 300 && official.status < 300 && a !== undefined && b !== undefined) {
    const shape = compareShapes(a, b);
    return { ...shape, match: shape.match && ours.status === official.status, ...status };
  }
  const same = ours.body.trim() === official.body.trim();
  return {
    match: ours.status === official.status && same,
    ...status,
    details: same
      ? []
      : [`body ours: ${ours.body.trim().slice(0, 200)}`, `body official: ${official.body.trim().slice(0, 200)}`],
  };
}
const errorCase = (name: string, run: (server: RunningServer, client: Client) => Promise<Answer>) =>
  cases.push({ section: "errors", name, run: (client, server) => run(server, client), compare: compareAnswers });

errorCase("GET unknown assistant", (s) => call(s, "GET", `/assistants/${randomUUID()}`));
errorCase("POST /assistants without graph_id", (s) => call(s, "POST", "/assistants", {}));
errorCase("POST /assistants with an unknown graph_id", (s) =>
  call(s, "POST", "/assistants", { graph_id: "no_such_graph" }),
);
errorCase("GET unknown thread", (s) => call(s, "GET", `/threads/${randomUUID()}`));
errorCase("GET a thread id that is not a UUID", (s) => call(s, "GET", "/threads/not-a-uuid"));
errorCase("DELETE unknown thread", (s) => call(s, "DELETE", `/threads/${randomUUID()}`));
errorCase("GET state of an unknown thread", (s) => call(s, "GET", `/threads/${randomUUID()}/state`));
errorCase("POST run on an unknown thread", (s) =>
  call(s, "POST", `/threads/${randomUUID()}/runs`, { assistant_id: "pipeline", input: INPUTS.pipeline }),
);
errorCase("POST run with an unknown assistant (graph name)", async (s, c) => {
  const thread = await c.threads.create();
  return call(s, "POST", `/threads/${thread.thread_id}/runs`, { assistant_id: "no_such_graph", input: {} });
});
errorCase("POST runs/wait with an unknown assistant (UUID)", async (s, c) => {
  const thread = await c.threads.create();
  return call(s, "POST", `/threads/${thread.thread_id}/runs/wait`, { assistant_id: randomUUID(), input: {} });
});
errorCase("POST runs/stream with an unknown assistant", async (s, c) => {
  const thread = await c.threads.create();
  return call(s, "POST", `/threads/${thread.thread_id}/runs/stream`, { assistant_id: "no_such_graph", input: {} });
});
errorCase("GET unknown run", async (s, c) => {
  const thread = await c.threads.create();
  return call(s, "GET", `/threads/${thread.thread_id}/runs/${randomUUID()}`);
});
errorCase("cancel unknown run", async (s, c) => {
  const thread = await c.threads.create();
  return call(s, "POST", `/threads/${thread.thread_id}/runs/${randomUUID()}/cancel`);
});
errorCase("busy thread: second run with multitask_strategy reject (we keep 409)", async (s, c) => {
  const thread = await c.threads.create();
  await c.runs.create(thread.thread_id, "pipeline", { input: { topic: "slow", delay_ms: 3000 } });
  return call(s, "POST", `/threads/${thread.thread_id}/runs`, {
    assistant_id: "pipeline",
    input: INPUTS.pipeline,
    multitask_strategy: "reject",
  });
});
errorCase("busy thread: updateState while a run is in flight", async (s, c) => {
  const thread = await c.threads.create();
  await c.runs.create(thread.thread_id, "pipeline", { input: { topic: "slow", delay_ms: 3000 } });
  await new Promise((resolve) => setTimeout(resolve, 300));
  return call(s, "POST", `/threads/${thread.thread_id}/state`, { values: { draft: "edited" } });
});
errorCase("malformed JSON body", (s) => call(s, "POST", "/threads", undefined, "{not json"));
errorCase("run body with a number as assistant_id", async (s, c) => {
  const thread = await c.threads.create();
  return call(s, "POST", `/threads/${thread.thread_id}/runs`, { assistant_id: 42 });
});
errorCase("threads/search with a string limit", (s) => call(s, "POST", "/threads/search", { limit: "ten" }));
errorCase("unknown stream_mode", async (s, c) => {
  const thread = await c.threads.create();
  return call(s, "POST", `/threads/${thread.thread_id}/runs`, {
    assistant_id: "pipeline",
    input: INPUTS.pipeline,
    stream_mode: ["nope"],
  });
});
errorCase("runs/wait of a run that throws", async (s, c) => {
  const thread = await c.threads.create();
  return call(s, "POST", `/threads/${thread.thread_id}/runs/wait`, {
    assistant_id: "pipeline",
    input: { topic: "fail" },
  });
});
errorCase("GET the run that threw", async (s, c) => {
  const thread = await c.threads.create();
  const run = await c.runs.create(thread.thread_id, "pipeline", { input: { topic: "fail" } });
  await c.runs.join(thread.thread_id, run.run_id);
  const answer = await call(s, "GET", `/threads/${thread.thread_id}/runs/${run.run_id}`);
  const thread2 = await call(s, "GET", `/threads/${thread.thread_id}`);
  return { status: answer.status, body: JSON.stringify({ run: parsed(answer.body), thread: parsed(thread2.body) }) };
});
errorCase("unknown route", (s) => call(s, "GET", "/no/such/route"));

// ---------------------------------------------------------------- run

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePort(port));
    });
  });
}

async function runAll(
  kind: ServerKind,
  server: RunningServer,
): Promise<Map<Case<unknown>, { value?: unknown; error?: string }>> {
  const client = new Client({ apiUrl: server.url });
  const results = new Map<Case<unknown>, { value?: unknown; error?: string }>();
  for (const c of cases) {
    try {
      results.set(c, { value: await c.run(client, server) });
    } catch (error) {
      results.set(c, { error: withoutIds(String((error as Error)?.message ?? error)).slice(0, 200) });
    }
  }
  log(`${kind}: ${cases.length} cases done`);
  return results;
}

log("starting both servers on bench/compat/langgraph.json");
const [ours, official] = await Promise.all([
  startServer("ours", await freePort(), CONFIG),
  startServer("official", await freePort(), CONFIG),
]);
let report = "";
try {
  // One server at a time, so neither competes with the other for the 2 cores.
  const resultsOurs = await runAll("ours", ours);
  const resultsOfficial = await runAll("official", official);

  const outcomes = cases.map((c): Outcome => {
    const a = resultsOurs.get(c)!;
    const b = resultsOfficial.get(c)!;
    if (!a.error && !b.error) return c.compare(a.value, b.value);
    return {
      match: a.error === b.error,
      ours: a.error ? `threw: ${a.error}` : "ok",
      official: b.error ? `threw: ${b.error}` : "ok",
      details: [],
    };
  });
  // A key missing on one side in many cases (run metadata such as langgraph_version) is listed once, not per case.
  const recurringKey = (detail: string) => {
    const found = /only (ours|official): \$(\S*): /.exec(detail);
    return found
      ? `${found[1]}:${found[2]
          .replace(/\[\d+\]/g, "[]")
          .split(".")
          .slice(-2)
          .join(".")}`
      : undefined;
  };
  const casesPerKey = new Map<string, number>();
  for (const o of outcomes)
    for (const key of new Set(o.details.map(recurringKey).filter(Boolean) as string[]))
      casesPerKey.set(key, (casesPerKey.get(key) ?? 0) + 1);
  const recurring = new Set([...casesPerKey].filter(([, n]) => n >= 3).map(([key]) => key));
  const isRecurring = (detail: string) => recurring.has(recurringKey(detail) ?? "");

  const rows: string[] = ["| section | case | match | ours | official |", "|---|---|---|---|---|"];
  const details: string[] = [];
  let matches = 0;
  cases.forEach((c, i) => {
    const outcome = outcomes[i];
    const own = outcome.details.filter((d) => !isRecurring(d));
    const verdict = outcome.match
      ? "yes"
      : own.length === 0 && outcome.details.length > 0
        ? "recurring keys only"
        : "**no**";
    if (outcome.match) matches++;
    const cell = (text: string) => text.replace(/\|/g, "\\|").slice(0, 90);
    rows.push(`| ${c.section} | ${cell(c.name)} | ${verdict} | ${cell(outcome.ours)} | ${cell(outcome.official)} |`);
    if (own.length > 0) {
      details.push(`- **${c.section}: ${c.name}**`);
      for (const d of own.slice(0, MAX_DETAILS)) details.push(`  - ${d.replace(/\n/g, " ")}`);
      if (own.length > MAX_DETAILS) details.push(`  - … ${own.length - MAX_DETAILS} more`);
    }
  });
  const recurringLines = [...recurring].sort().map((key) => {
    const [side, name] = key.split(":");
    return `- \`${name}\` only in ${side === "official" ? "the official server's" : "our"} payloads (${casesPerKey.get(key)} cases)`;
  });
  report = [
    `# Side by side: lambdagraph vs the official server (@langchain/langgraph-api), ${new Date().toISOString().slice(0, 10)}`,
    "",
    `${matches} of ${cases.length} cases match.`,
    "",
    ...rows,
    "",
    "## Keys missing on one side in many cases",
    "",
    ...(recurringLines.length ? recurringLines : ["(none)"]),
    "",
    "## Other differences",
    "",
    ...(details.length ? details : ["(none)"]),
    "",
  ].join("\n");
  console.log(report);
  if (args.out) writeFileSync(args.out, report);
} finally {
  await Promise.all([ours.stop(), official.stop()]);
}
process.exit(0);
