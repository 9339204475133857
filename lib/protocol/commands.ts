/**
 * The protocol's commands over HTTP (POST /threads/{id}/commands): each answers a CommandResponse
 * (`{type: "success", id, result}`) or an ErrorResponse (`{type: "error", id, error, message}`).
 *
 * The server keeps no session: every command reads what it needs from the stores (the thread item, its runs,
 * its checkpoints). Runs start through services.createRun, like POST /threads/{id}/runs — so multitask strategies,
 * busy-thread refusal and the queue to the worker all apply.
 *
 * `meta.applied_through_seq` is 0, as from the hosted Agent Server (which answers HTTP commands without a session):
 * clients such as the SDK's StreamController then place the command's boundary on the thread stream by the
 * `synth:<run_id>:…` id of the run's first lifecycle event.
 */
import { ZodError, type z } from "zod";
import { HttpError } from "../http/errors.js";
import type { Platform } from "../platform.js";
import { RunCreateBody, type StreamMode } from "../schemas/runs.js";
import { getRunOr404, createRun } from "../services/runs.js";
import { authorizeRun } from "../auth/run-auth.js";
import { getHistory, getState } from "../services/state.js";
import { getThreadOr404 } from "../services/threads.js";
import type { StoredRun } from "../stores/run-store.js";
import type { Thread } from "../stores/thread-store.js";
import type { ProtocolCommand } from "./schemas.js";
import {
  AgentGetTreeParams,
  InputRespondParams,
  ListCheckpointsParams,
  RunStartParams,
  StateForkParams,
  StateGetParams,
} from "./schemas.js";
import { converterFor } from "./stream.js";
import { errorFields, log } from "../log/log.js";

export type ErrorCode =
  | "invalid_argument"
  | "unknown_command"
  | "unknown_error"
  | "no_such_run"
  | "no_such_subscription"
  | "no_such_namespace"
  | "no_such_interrupt"
  | "no_such_checkpoint"
  | "permission_denied"
  | "not_supported";

export type CommandResponse =
  | { type: "success"; id: number; result: Record<string, unknown>; meta?: Record<string, unknown> }
  | { type: "error"; id: number | null; error: ErrorCode; message: string };

/** What a protocol run streams into the event log: every mode a protocol channel is made from (see convert.ts). */
export const PROTOCOL_STREAM_MODES: StreamMode[] = [
  "values",
  "updates",
  "messages-tuple",
  "tools",
  "custom",
  "tasks",
  "checkpoints",
];

class CommandError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

type Handler = (
  p: Platform,
  threadId: string,
  params: Record<string, unknown>,
) => Promise<{ result: Record<string, unknown>; meta?: Record<string, unknown> }>;

const HANDLERS: Record<string, Handler> = {
  "run.start": runStart,
  "input.respond": inputRespond,
  "state.get": stateGet,
  "state.listCheckpoints": listCheckpoints,
  "state.fork": stateFork,
  "agent.getTree": agentGetTree,
};

/**
 * Not served, and why:
 * - subscriptions as commands belong to the WebSocket transport. Over HTTP each subscription is its own
 *   POST /threads/{id}/stream/events connection (what the SDK's SSE transport opens); a subscription kept between
 *   requests would be server-side session state, which a Lambda cannot hold. WebSocket itself is not offered:
 *   Lambda function URLs cannot upgrade a connection to WebSocket.
 * - input.inject pushes a message into a graph while it runs; the graph runs in a worker Lambda fed by SQS, which
 *   has no inbound channel from the API. Start a run instead (queued with multitask_strategy "enqueue").
 */
const NOT_SUPPORTED: Record<string, string> = {
  "subscription.subscribe":
    "Subscriptions are connection-scoped over HTTP: open POST /threads/{thread_id}/stream/events with the filter.",
  "subscription.unsubscribe":
    "Subscriptions are connection-scoped over HTTP: close the POST /threads/{thread_id}/stream/events connection.",
  "subscription.reconnect":
    "Reconnect by reopening POST /threads/{thread_id}/stream/events with `since` (the last seq received).",
  "input.inject":
    "Input cannot be injected into a running graph here (it runs in a separate worker); start a run instead.",
};

export async function handleCommand(p: Platform, threadId: string, command: ProtocolCommand): Promise<CommandResponse> {
  const handler = HANDLERS[command.method];
  if (!handler) {
    const reason = NOT_SUPPORTED[command.method];
    return reason
      ? error(command.id, "not_supported", reason)
      : error(command.id, "unknown_command", `Unknown protocol command: ${command.method}`);
  }
  try {
    const { result, meta } = await handler(p, threadId, command.params ?? {});
    return { type: "success", id: command.id, result, meta: { thread_id: threadId, ...meta } };
  } catch (err) {
    return errorFrom(command.id, err);
  }
}

async function runStart(p: Platform, threadId: string, raw: Record<string, unknown>) {
  const params = parse(RunStartParams, raw);
  // "Run interrupted → resumes with the input as the resume value" (protocol, 4a).
  const pending = pendingInterrupts(await p.threads.get(threadId));
  const resume = params.input != null && pending.length > 0;
  const run = await startRun(p, threadId, {
    assistant_id: params.assistant_id,
    input: resume ? undefined : (params.input as RunCreateBody["input"]),
    command: resume ? { resume: params.input } : undefined,
    config: params.config as RunCreateBody["config"],
    context: params.context,
    metadata: params.metadata,
    multitask_strategy: params.multitask_strategy ?? params.multitaskStrategy ?? "enqueue",
  });
  return { result: { run_id: run.run_id }, meta: { applied_through_seq: 0 } };
}

async function inputRespond(p: Platform, threadId: string, raw: Record<string, unknown>) {
  const params = parse(InputRespondParams, raw);
  const thread = await p.threads.get(threadId);
  if (!thread) throw new CommandError("no_such_run", "Thread not found");
  const pending = new Set(pendingInterrupts(thread));
  if (pending.size === 0)
    throw new CommandError("invalid_argument", "input.respond can only be used while the thread is interrupted.");
  const responses: { interrupt_id: string; response: unknown }[] =
    "responses" in params && Array.isArray(params.responses)
      ? params.responses
      : [{ interrupt_id: params.interrupt_id as string, response: params.response }];
  const resume: Record<string, unknown> = {};
  for (const { interrupt_id, response } of responses) {
    if (!pending.has(interrupt_id))
      throw new CommandError("no_such_interrupt", `No pending interrupt ${interrupt_id} on thread ${threadId}`);
    resume[interrupt_id] = response;
  }
  const assistantId = thread.metadata.assistant_id;
  if (typeof assistantId !== "string") throw new CommandError("no_such_run", "The thread has no run to resume.");
  const config = (params.config ?? {}) as Record<string, unknown> & { configurable?: Record<string, unknown> };
  await startRun(p, threadId, {
    assistant_id: assistantId,
    command: {
      resume,
      ...(params.update !== undefined ? { update: params.update } : {}),
      ...(params.goto !== undefined ? { goto: params.goto } : {}),
    },
    // strict_resume: LangGraph refuses a resume whose ids match no pending interrupt, instead of ignoring it.
    config: (params.strict_resume
      ? { ...config, configurable: { ...config.configurable, __pregel_strict_resume: true } }
      : config) as RunCreateBody["config"],
    metadata: params.metadata,
    multitask_strategy: "enqueue",
  });
  return { result: {}, meta: { applied_through_seq: 0 } };
}

async function stateGet(p: Platform, threadId: string, raw: Record<string, unknown>) {
  const params = parse(StateGetParams, raw);
  const checkpointNs = (params.namespace ?? []).join("|");
  const state = (await getState(p, threadId, {
    checkpoint: checkpointNs ? { checkpoint_ns: checkpointNs } : undefined,
  })) as {
    values: Record<string, unknown> | null;
    checkpoint: { checkpoint_id: string | null; checkpoint_ns?: string } | null;
  };
  const values = state.values ?? {};
  const keys = params.keys;
  return {
    result: {
      values: keys ? Object.fromEntries(Object.entries(values).filter(([key]) => keys.includes(key))) : values,
      ...(state.checkpoint?.checkpoint_id
        ? { checkpoint: { id: state.checkpoint.checkpoint_id, ns: state.checkpoint.checkpoint_ns ?? "" } }
        : {}),
    },
  };
}

async function listCheckpoints(p: Platform, threadId: string, raw: Record<string, unknown>) {
  const params = parse(ListCheckpointsParams, raw);
  const checkpointNs = (params.namespace ?? []).join("|");
  const history = (await getHistory(p, threadId, {
    limit: params.limit ?? 10,
    before: params.before ?? undefined,
    checkpoint: checkpointNs ? { checkpoint_ns: checkpointNs } : undefined,
  })) as {
    checkpoint: { checkpoint_id: string };
    created_at: string | null;
    metadata: Record<string, unknown> | null;
  }[];
  return {
    result: {
      checkpoints: history.map((state) => {
        const metadata = state.metadata ?? {};
        const writes = metadata.writes;
        const nodes = writes && typeof writes === "object" ? Object.keys(writes) : [];
        return {
          id: state.checkpoint.checkpoint_id,
          timestamp: state.created_at,
          step: typeof metadata.step === "number" ? metadata.step : -1,
          ...(nodes.length === 1 ? { node_name: nodes[0] } : {}),
          metadata,
        };
      }),
    },
  };
}

async function stateFork(p: Platform, threadId: string, raw: Record<string, unknown>) {
  const params = parse(StateForkParams, raw);
  const thread = await getThreadOr404(p, threadId);
  const assistantId = thread.metadata.assistant_id;
  if (typeof assistantId !== "string")
    throw new CommandError("no_such_checkpoint", "The thread has no checkpoints yet.");
  await getState(p, threadId, { checkpoint: { checkpoint_id: params.checkpoint_id } }); // 404 → no_such_checkpoint
  const run = await startRun(p, threadId, {
    assistant_id: assistantId,
    input: params.input as RunCreateBody["input"],
    config: params.config as RunCreateBody["config"],
    checkpoint_id: params.checkpoint_id,
    multitask_strategy: "enqueue",
  });
  return { result: { run_id: run.run_id, thread_id: threadId } };
}

/** The agent tree of a run (by default the thread's latest), rebuilt from its stored events: one Query. */
async function agentGetTree(p: Platform, threadId: string, raw: Record<string, unknown>) {
  const params = parse(AgentGetTreeParams, raw);
  await getThreadOr404(p, threadId);
  let run: StoredRun | undefined;
  if (params.run_id) run = await getRunOr404(p, threadId, params.run_id).catch(() => undefined);
  else run = await p.runs.latest(threadId);
  if (!run)
    throw new CommandError("no_such_run", params.run_id ? `Run ${params.run_id} not found` : "The thread has no runs.");
  const converter = converterFor(run, 0);
  for (const event of await p.events.read(run.run_id, -1))
    converter.convert(event, event.event === "end" ? run.status : undefined);
  return { result: { tree: converter.tree() } };
}

/** A protocol run: the request the worker needs, with the stream modes every protocol channel is made from. */
async function startRun(
  p: Platform,
  threadId: string,
  body: Omit<RunCreateBody, "stream_mode" | "stream_subgraphs" | "if_not_exists">,
): Promise<StoredRun> {
  // Validated as POST /threads/{id}/runs validates its body (a ZodError answers invalid_argument).
  const request = RunCreateBody.parse({
    ...body,
    stream_mode: PROTOCOL_STREAM_MODES,
    stream_subgraphs: true,
    if_not_exists: "create",
  });
  const authorized = await authorizeRun(p, threadId, request); // custom auth (lib/auth/run-auth.ts)
  return createRun(p, threadId, authorized.body, {
    onDisconnect: "continue",
    newThread: authorized.newThread,
    protocol: true,
  });
}

/** Ids of the interrupts the thread is waiting on (recorded on the thread item when its last run ended). */
function pendingInterrupts(thread: Thread | undefined): string[] {
  if (!thread || thread.status !== "interrupted") return [];
  return Object.values(thread.interrupts ?? {})
    .flat()
    .flatMap((i) =>
      i && typeof i === "object" && typeof (i as { id?: unknown }).id === "string" ? [(i as { id: string }).id] : [],
    );
}

function parse<S extends z.ZodType>(schema: S, params: Record<string, unknown>): z.infer<S> {
  const parsed = schema.safeParse(params);
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues.map((issue) => `${issue.path.join(".") || "params"}: ${issue.message}`).join("; ");
  throw new CommandError("invalid_argument", `Invalid params: ${detail}`);
}

function error(id: number | null, code: ErrorCode, message: string): CommandResponse {
  return { type: "error", id, error: code, message };
}

/** A failure as the protocol's error: what the REST API answers with a 4xx status, under the closest code. */
function errorFrom(id: number, err: unknown): CommandResponse {
  if (err instanceof CommandError) return error(id, err.code, err.message);
  if (err instanceof ZodError)
    return error(id, "invalid_argument", err.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  if (err instanceof HttpError) {
    if (err.status === 404 && /checkpoint/i.test(err.message)) return error(id, "no_such_checkpoint", err.message);
    if (err.status === 404 && /run not found/i.test(err.message)) return error(id, "no_such_run", err.message);
    if (err.status === 401 || err.status === 403) return error(id, "permission_denied", err.message);
    if (err.status < 500) return error(id, "invalid_argument", err.message);
  }
  log.error("protocol command failed", errorFields(err));
  return error(id, "unknown_error", "Internal Server Error");
}
