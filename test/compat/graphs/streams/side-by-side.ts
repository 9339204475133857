/**
 * Side by side: the same requests against the official JS server and ours, the SSE events and bodies compared
 * after ids and timestamps are replaced by placeholders (numbered in order of appearance, so equal structure
 * compares equal). Start both servers on this directory's langgraph.json first:
 *   npx tsx bench/official-server.ts --config test/compat/graphs/streams/langgraph.json --port 2111
 *   npx tsx lib/local/cli.ts --in-memory --no-page --config test/compat/graphs/streams/langgraph.json --port 2112
 *   npx tsx test/compat/graphs/streams/side-by-side.ts [filter]
 * Prints one line per case (same / differs) and, for differences, the paths that differ.
 */
const OFFICIAL = process.env.OFFICIAL_URL ?? "http://127.0.0.1:2111";
const OURS = process.env.OURS_URL ?? "http://127.0.0.1:2112";
const filter = process.argv[2];
const verbose = process.argv.includes("-v");

interface Sse {
  event: string;
  data: unknown;
}

async function call(base: string, method: string, path: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const type = res.headers.get("content-type") ?? "";
  if (type.includes("text/event-stream")) return { status: res.status, type: "sse", events: parseSse(text) };
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // plain text
  }
  return { status: res.status, type: type.split(";")[0], body: parsed };
}

function parseSse(text: string): Sse[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim() && !block.startsWith(":"))
    .map((block) => {
      const lines = block.split("\n");
      const event = lines.find((l) => l.startsWith("event: "))?.slice(7) ?? "";
      const data = lines
        .filter((l) => l.startsWith("data: "))
        .map((l) => l.slice(6))
        .join("\n");
      return { event, data: data ? JSON.parse(data) : null };
    });
}

function normalizer() {
  const ids = new Map<string, string>();
  const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
  const ts = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
  const str = (s: string) =>
    ts.test(s) ? "<ts>" : s.replace(uuid, (m) => ids.get(m) ?? (ids.set(m, `<id${ids.size}>`), ids.get(m)!));
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return str(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [str(k), walk(x)]));
    return v;
  };
  return walk;
}

function diff(a: unknown, b: unknown, path: string, out: string[]) {
  if (out.length > 40) return;
  if (a && b && typeof a === "object" && typeof b === "object" && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const ka = k in a,
        kb = k in b;
      const p = `${path}.${k}`;
      if (!ka) out.push(`${p}: only ours = ${JSON.stringify((b as Record<string, unknown>)[k])?.slice(0, 160)}`);
      else if (!kb)
        out.push(`${p}: only official = ${JSON.stringify((a as Record<string, unknown>)[k])?.slice(0, 160)}`);
      else diff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], p, out);
    }
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b))
    out.push(`${path}: official ${JSON.stringify(a)?.slice(0, 160)} vs ours ${JSON.stringify(b)?.slice(0, 160)}`);
}

type Step = (base: string, ctx: Record<string, string>) => Promise<unknown>;

async function newThread(base: string) {
  return ((await call(base, "POST", "/threads", {})).body as { thread_id: string }).thread_id;
}

const streamCase =
  (graph: string, input: unknown, extra: Record<string, unknown>): Step =>
  async (base) => {
    const thread = await newThread(base);
    return call(base, "POST", `/threads/${thread}/runs/stream`, { assistant_id: graph, input, ...extra });
  };

const cases: Record<string, Step> = {};
const chatInput = { messages: [{ type: "human", content: "hello", id: "00000000-0000-4000-8000-000000000001" }] };
const MODES = ["values", "updates", "messages-tuple", "messages", "events", "debug", "tasks", "checkpoints", "custom"];
for (const mode of MODES) {
  cases[`chat ${mode}`] = streamCase("chat", chatInput, { stream_mode: [mode] });
  cases[`nested ${mode}`] = streamCase("nested", { word: "hi" }, { stream_mode: [mode] });
  cases[`nested ${mode} subgraphs`] = streamCase(
    "nested",
    { word: "hi" },
    { stream_mode: [mode], stream_subgraphs: true },
  );
}
cases["chat fail values"] = streamCase(
  "chat",
  { messages: [{ type: "human", content: "fail" }] },
  { stream_mode: ["values"] },
);
cases["chat values+messages-tuple+updates"] = streamCase("chat", chatInput, {
  stream_mode: ["values", "messages-tuple", "updates"],
});
cases["paused state subgraphs"] = async (base) => {
  const thread = await newThread(base);
  await call(base, "POST", `/threads/${thread}/runs/wait`, { assistant_id: "paused", input: { answer: "" } });
  return {
    state: await call(base, "GET", `/threads/${thread}/state?subgraphs=true`),
    plain: await call(base, "GET", `/threads/${thread}/state`),
    history: await call(base, "POST", `/threads/${thread}/history`, { limit: 2 }),
  };
};
cases["paused stream debug subgraphs"] = streamCase(
  "paused",
  { answer: "" },
  { stream_mode: ["debug", "tasks", "checkpoints", "values"], stream_subgraphs: true },
);
cases["join stream after end"] = async (base) => {
  const thread = await newThread(base);
  const run = (
    await call(base, "POST", `/threads/${thread}/runs`, {
      assistant_id: "nested",
      input: { word: "a" },
      stream_resumable: true,
    })
  ).body as { run_id: string };
  await call(base, "GET", `/threads/${thread}/runs/${run.run_id}/join`);
  return call(base, "GET", `/threads/${thread}/runs/${run.run_id}/stream`);
};

// Errors: status, content type and body.
const missing = "00000000-0000-4000-8000-00000000dead";
cases["err assistant get"] = (base) => call(base, "GET", `/assistants/${missing}`);
cases["err assistant patch"] = (base) => call(base, "PATCH", `/assistants/${missing}`, { metadata: {} });
cases["err assistant delete"] = (base) => call(base, "DELETE", `/assistants/${missing}`);
cases["err assistant graph"] = (base) => call(base, "GET", `/assistants/${missing}/graph`);
cases["err assistant schemas"] = (base) => call(base, "GET", `/assistants/${missing}/schemas`);
cases["err assistant subgraphs"] = (base) => call(base, "GET", `/assistants/${missing}/subgraphs`);
cases["err assistant versions"] = (base) => call(base, "POST", `/assistants/${missing}/versions`, {});
cases["err assistant latest"] = (base) => call(base, "POST", `/assistants/${missing}/latest`, { version: 1 });
cases["err assistant create unknown graph"] = (base) => call(base, "POST", `/assistants`, { graph_id: "nope" });
cases["err thread get"] = (base) => call(base, "GET", `/threads/${missing}`);
cases["err thread patch"] = (base) => call(base, "PATCH", `/threads/${missing}`, { metadata: {} });
cases["err thread delete"] = (base) => call(base, "DELETE", `/threads/${missing}`);
cases["err thread state"] = (base) => call(base, "GET", `/threads/${missing}/state`);
cases["err thread update state"] = (base) => call(base, "POST", `/threads/${missing}/state`, { values: {} });
cases["err thread history"] = (base) => call(base, "POST", `/threads/${missing}/history`, {});
cases["err thread copy"] = (base) => call(base, "POST", `/threads/${missing}/copy`, {});
cases["err thread runs list"] = (base) => call(base, "GET", `/threads/${missing}/runs`);
cases["err run on missing thread"] = (base) =>
  call(base, "POST", `/threads/${missing}/runs`, { assistant_id: "chat", input: null });
cases["err run stream on missing thread"] = (base) =>
  call(base, "POST", `/threads/${missing}/runs/stream`, { assistant_id: "chat", input: null });
cases["err run wait on missing thread"] = (base) =>
  call(base, "POST", `/threads/${missing}/runs/wait`, { assistant_id: "chat", input: null });
cases["err run unknown assistant id"] = async (base) =>
  call(base, "POST", `/threads/${await newThread(base)}/runs`, { assistant_id: missing, input: null });
cases["err run unknown graph id"] = async (base) =>
  call(base, "POST", `/threads/${await newThread(base)}/runs`, { assistant_id: "nope", input: null });
cases["err stateless run unknown graph id"] = (base) =>
  call(base, "POST", `/runs/wait`, { assistant_id: "nope", input: null });
cases["err run stream unknown graph id"] = async (base) =>
  call(base, "POST", `/threads/${await newThread(base)}/runs/stream`, { assistant_id: "nope", input: null });
cases["err run get"] = async (base) => call(base, "GET", `/threads/${await newThread(base)}/runs/${missing}`);
cases["err run cancel"] = async (base) =>
  call(base, "POST", `/threads/${await newThread(base)}/runs/${missing}/cancel`);
cases["err run join"] = async (base) => call(base, "GET", `/threads/${await newThread(base)}/runs/${missing}/join`);
cases["err run join stream"] = async (base) =>
  call(base, "GET", `/threads/${await newThread(base)}/runs/${missing}/stream`);
cases["err run delete"] = async (base) => call(base, "DELETE", `/threads/${await newThread(base)}/runs/${missing}`);
cases["err busy thread"] = async (base) => {
  const thread = await newThread(base);
  await call(base, "POST", `/threads/${thread}/runs`, { assistant_id: "chat", input: chatInput });
  return call(base, "POST", `/threads/${thread}/runs`, { assistant_id: "chat", input: chatInput });
};
cases["err store get missing"] = (base) => call(base, "GET", `/store/items?namespace=a&key=nope`);
cases["err cron delete"] = (base) => call(base, "DELETE", `/runs/crons/${missing}`);
cases["err state at unknown checkpoint"] = async (base) =>
  call(base, "GET", `/threads/${await newThread(base)}/state/${missing}`);

let same = 0;
const differing: string[] = [];
for (const [name, step] of Object.entries(cases)) {
  if (filter && !filter.startsWith("-") && !name.includes(filter)) continue;
  const [a, b] = await Promise.all([step(OFFICIAL, {}), step(OURS, {})]);
  const na = normalizer()(a),
    nb = normalizer()(b);
  const out: string[] = [];
  diff(na, nb, "", out);
  if (out.length === 0) {
    same++;
    console.log(`same     ${name}`);
    if (verbose) console.log(JSON.stringify(na, null, 1).slice(0, 4000));
  } else {
    differing.push(name);
    console.log(`DIFFERS  ${name}`);
    const ea = (a as { events?: Sse[] }).events,
      eb = (b as { events?: Sse[] }).events;
    if (ea && eb)
      console.log(
        `  official events: ${ea.map((e) => e.event).join(" ")}\n  ours     events: ${eb.map((e) => e.event).join(" ")}`,
      );
    for (const line of out.slice(0, verbose ? 200 : 12)) console.log(`  ${line}`);
  }
}
console.log(`\n${same} same, ${differing.length} differ${differing.length ? `: ${differing.join(", ")}` : ""}`);
