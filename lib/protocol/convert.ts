/**
 * One run's stored v1 stream events → protocol events, the way LangGraph's protocol streaming (and the official
 * servers' sessions) map them:
 *
 * | stored v1 event            | protocol events                                                          |
 * |----------------------------|--------------------------------------------------------------------------|
 * | `metadata` (the run began) | `lifecycle` running at the root (+ `input.answered` for a resume by id)  |
 * | `values`                   | `values` (without `__interrupt__`); its interrupts as `input.requested`  |
 * | `updates`                  | `updates` {node, values} per node; `__interrupt__` as `input.requested`  |
 * | `messages` (tuples)        | `messages` content-block events (see messages.ts)                        |
 * | `tools`                    | `tools`: tool-started / tool-output-delta / tool-finished / tool-error   |
 * | `custom`                   | `custom` {payload} (or {name, payload} as sent)                          |
 * | `custom:<name>`            | `custom` {name, payload}: a push to a stream transformer's named channel |
 * | `checkpoints`              | `checkpoints` {id, parent_id, step, source} before its `values` (if any) |
 * | `tasks`                    | `tasks`                                                                  |
 * | `error`                    | `lifecycle` failed (every open namespace, then the root)                 |
 * | `end`                      | `lifecycle` completed / interrupted / failed, from the run's status      |
 *
 * Below the root, a namespace's `lifecycle` goes `started` when its first event appears and `completed` when its
 * node reports (its `updates` or task result); whatever is still open when the run ends takes the root's status.
 * The converter is deterministic: the same stored events always give the same protocol events in the same order,
 * which is what lets any process number them identically (see events.ts). It holds only what one run's
 * conversion needs, and a reader rebuilds it by converting the run from its first event.
 */
import { serializeError } from "../serialization/wire.js";
import type { RunStatus } from "../stores/run-store.js";
import type { StreamEvent } from "../stream/event-log.js";
import { eventIdOf, seqOf, type ProtocolEvent } from "./events.js";
import { MessageConverter, type OpenMessage } from "./messages.js";
import { namespaceKey, parseEventName, sameNamespace, segmentName, startsWith, type Namespace } from "./namespace.js";

export type AgentStatus = "started" | "running" | "completed" | "failed" | "interrupted";

export interface AgentTreeNode {
  namespace: Namespace;
  status: AgentStatus;
  graph_name: string;
  children?: AgentTreeNode[];
}

export interface RunInfo {
  run_id: string;
  /** The run's place among its thread's runs, oldest first (see events.ts). */
  position: number;
  graph_id: string;
  stream_mode: string[];
  /** The interrupts a resume by interrupt id answers (`Command({resume: {[id]: value}})`). */
  answers: string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Interrupt ids are XXH3-128 hex digests; a resume map keyed by them answers those interrupts. */
export function answeredInterrupts(command: unknown): string[] {
  const resume = isRecord(command) ? command.resume : undefined;
  if (!isRecord(resume)) return [];
  const keys = Object.keys(resume);
  return keys.length > 0 && keys.every((k) => /^[0-9a-f]{32}$/.test(k)) ? keys : [];
}

interface Emission {
  out: ProtocolEvent[];
  id: number;
  index: number;
}

export class RunConverter {
  private readonly messages = new MessageConverter();
  /** Every namespace below the root seen so far, with its lifecycle status, in order of appearance. */
  private readonly namespaces = new Map<string, { ns: Namespace; status: AgentStatus; graph_name: string }>();
  private rootStatus: AgentStatus = "running";
  private readonly requested = new Set<string>();
  private terminal = false;
  /** A `values` event waiting for the checkpoint LangGraph saves right after it (it is sent after that). */
  private held?: { ns: Namespace; data: unknown };
  private readonly pairsCheckpoints: boolean;

  constructor(private readonly run: RunInfo) {
    this.pairsCheckpoints = run.stream_mode.includes("checkpoints");
  }

  get runId(): string {
    return this.run.run_id;
  }

  /**
   * The protocol events of one stored event of the run, in order. `finalStatus` is the run's stored status, read
   * when its `end` arrives (null once the run has been deleted: a rollback).
   */
  convert(event: StreamEvent, finalStatus?: RunStatus | null): ProtocolEvent[] {
    const e: Emission = { out: [], id: event.id, index: 0 };
    const { mode, namespace: ns } = parseEventName(event.event);
    const data = event.data;
    if (!(mode === "checkpoints" && this.held && sameNamespace(this.held.ns, ns))) this.flushHeld(e);

    switch (mode) {
      case "metadata":
        this.rootStatus = "running";
        this.emit(e, "lifecycle", [], { event: "running", graph_name: this.run.graph_id });
        if (this.run.answers.length > 0) this.emit(e, "input.answered", [], { interrupt_ids: this.run.answers });
        break;
      case "values": {
        const { values, interrupts } = splitInterrupts(data);
        this.requestInput(e, ns, interrupts);
        this.finishMessages(e, (m) => startsWith(m.ns, ns));
        if (!isRecord(values) || Object.keys(values).length > 0) {
          if (this.pairsCheckpoints) this.held = { ns, data: values };
          else this.emit(e, "values", ns, values);
        }
        break;
      }
      case "checkpoints": {
        // Only the checkpoint paired with a `values` event is sent, as LangGraph's protocol streaming sends its
        // envelope only before a values chunk: not the input checkpoint a run starts with, for one.
        const envelope = checkpointEnvelope(data);
        if (envelope && this.held) this.emit(e, "checkpoints", ns, envelope);
        this.flushHeld(e);
        break;
      }
      case "updates":
        for (const [node, values] of Object.entries(isRecord(data) ? data : {})) {
          if (node === "__interrupt__") {
            this.requestInput(e, ns, interruptsOf(values));
            continue;
          }
          this.finishMessages(
            e,
            (m) => (sameNamespace(m.ns, ns) && m.node === node) || isTaskOf(m.ns, ns, (s) => segmentName(s) === node),
          );
          this.emit(e, "updates", ns, { node, values: isRecord(values) ? values : {} }, node);
          for (const child of this.openChildren(ns, (s) => segmentName(s) === node))
            this.setStatus(e, child, "completed");
        }
        break;
      case "messages":
        this.messages.consume(data, ns, `${this.run.run_id}:${event.id}`, (at, message, node) =>
          this.emit(e, "messages", at, message, node),
        );
        break;
      case "tools": {
        const tool = toolData(data);
        if (tool) this.emit(e, "tools", ns, tool);
        break;
      }
      case "custom":
        this.emit(e, "custom", ns, isRecord(data) && typeof data.name === "string" ? data : { payload: data });
        break;
      case "tasks": {
        this.emit(e, "tasks", ns, data);
        const done = taskResult(data);
        if (done) {
          const segment = `${done.name}:${done.id}`;
          this.finishMessages(e, (m) => isTaskOf(m.ns, ns, (s) => s === segment));
          for (const child of this.openChildren(ns, (s) => s === segment))
            this.setStatus(e, child, done.failed ? "failed" : "completed");
        }
        break;
      }
      case "error": {
        const message = isRecord(data) && typeof data.message === "string" ? data.message : String(data);
        this.messages.failAll(message, (at, m, node) => this.emit(e, "messages", at, m, node));
        // The root's error is the official session's `serializeError(event.data).message`: the stored event's data
        // is already `{error, message}` (not an Error), so that is its JSON.
        this.end(e, "failed", message, serializeError(data).message);
        break;
      }
      case "end":
        this.finishMessages(e, () => true);
        if (!this.terminal) this.end(e, terminalStatus(finalStatus, this.requested.size > 0));
        break;
      default:
        // A stream transformer's named channel (lib/runs/transformers.ts), as the official session maps it.
        if (mode.startsWith("custom:") && mode.length > "custom:".length)
          this.emit(e, "custom", ns, { name: mode.slice("custom:".length), payload: data });
        // debug, events, legacy messages/*: no protocol channel carries them.
        break;
    }
    return e.out;
  }

  /** The agent tree as far as the run has got: the root and every namespace seen, with their statuses. */
  tree(): AgentTreeNode {
    const build = (ns: Namespace, status: AgentStatus, graphName: string): AgentTreeNode => {
      const children = [...this.namespaces.values()]
        .filter((c) => c.ns.length === ns.length + 1 && startsWith(c.ns, ns))
        .map((c) => build(c.ns, c.status, c.graph_name));
      return { namespace: ns, status, graph_name: graphName, ...(children.length > 0 ? { children } : {}) };
    };
    return build([], this.rootStatus, this.run.graph_id);
  }

  private emit(e: Emission, method: string, ns: Namespace, data: unknown, node?: string): void {
    if (method !== "lifecycle") this.ensureStarted(e, ns);
    e.out.push({
      type: "event",
      event_id: eventIdOf(this.run.run_id, e.id, e.index, method === "lifecycle"),
      seq: seqOf(this.run.position, e.id, e.index),
      method,
      params: { namespace: ns, timestamp: Date.now(), ...(node !== undefined ? { node } : {}), data },
    });
    e.index++;
  }

  private flushHeld(e: Emission): void {
    if (!this.held) return;
    const { ns, data } = this.held;
    this.held = undefined;
    this.emit(e, "values", ns, data);
  }

  private ensureStarted(e: Emission, ns: Namespace): void {
    for (let length = 1; length <= ns.length; length++) {
      const prefix = ns.slice(0, length);
      const key = namespaceKey(prefix);
      if (this.namespaces.has(key)) continue;
      const graphName = segmentName(prefix[length - 1]);
      this.namespaces.set(key, { ns: prefix, status: "started", graph_name: graphName });
      this.emit(e, "lifecycle", prefix, { event: "started", graph_name: graphName });
    }
  }

  private openChildren(parent: Namespace, segment: (s: string) => boolean): Namespace[] {
    return [...this.namespaces.values()]
      .filter(
        (c) =>
          c.status === "started" &&
          c.ns.length === parent.length + 1 &&
          startsWith(c.ns, parent) &&
          segment(c.ns[parent.length]),
      )
      .map((c) => c.ns);
  }

  private setStatus(e: Emission, ns: Namespace, status: AgentStatus, error?: string): void {
    const entry = this.namespaces.get(namespaceKey(ns));
    if (!entry) return;
    entry.status = status;
    this.emit(e, "lifecycle", ns, {
      event: status,
      graph_name: entry.graph_name,
      ...(error !== undefined ? { error } : {}),
    });
  }

  /** The run's terminal status: every namespace still open, then the root (with `rootError`). */
  private end(e: Emission, status: AgentStatus, error?: string, rootError = error): void {
    for (const entry of this.namespaces.values())
      if (entry.status === "started") this.setStatus(e, entry.ns, status, error);
    this.rootStatus = status;
    this.terminal = true;
    this.emit(e, "lifecycle", [], {
      event: status,
      graph_name: this.run.graph_id,
      ...(rootError !== undefined ? { error: rootError } : {}),
    });
  }

  private requestInput(e: Emission, ns: Namespace, interrupts: { interrupt_id: string; payload: unknown }[]): void {
    for (const request of interrupts) {
      if (this.requested.has(request.interrupt_id)) continue;
      this.requested.add(request.interrupt_id);
      this.emit(e, "input.requested", ns, request);
    }
  }

  private finishMessages(e: Emission, where: (m: OpenMessage) => boolean): void {
    this.messages.finishWhere(where, (at, message, node) => this.emit(e, "messages", at, message, node));
  }
}

/** Whether `ns` is a task of `parent` (one level below it) whose segment satisfies `segment`, or inside one. */
function isTaskOf(ns: Namespace, parent: Namespace, segment: (s: string) => boolean): boolean {
  return ns.length > parent.length && startsWith(ns, parent) && segment(ns[parent.length]);
}

function terminalStatus(status: RunStatus | null | undefined, interruptsRequested: boolean): AgentStatus {
  switch (status) {
    case "error":
    case "timeout":
      return "failed";
    case "interrupted": // cancelled
    case null: // deleted by a rollback
      return "interrupted";
    default:
      return interruptsRequested ? "interrupted" : "completed";
  }
}

function interruptsOf(value: unknown): { interrupt_id: string; payload: unknown }[] {
  const list = Array.isArray(value) ? value : [];
  return list.flatMap((entry) =>
    isRecord(entry) && typeof entry.id === "string"
      ? [{ interrupt_id: entry.id, payload: "value" in entry ? entry.value : undefined }]
      : [],
  );
}

function splitInterrupts(value: unknown): {
  values: unknown;
  interrupts: { interrupt_id: string; payload: unknown }[];
} {
  if (!isRecord(value) || !("__interrupt__" in value)) return { values: value, interrupts: [] };
  const { __interrupt__: raw, ...values } = value;
  return { values, interrupts: interruptsOf(raw) };
}

/** LangGraph's checkpoints-mode payload (the whole checkpoint) → the protocol's envelope. */
function checkpointEnvelope(value: unknown): Record<string, unknown> | undefined {
  if (!isRecord(value)) return undefined;
  const idOf = (config: unknown) =>
    isRecord(config) && isRecord(config.configurable) ? config.configurable.checkpoint_id : undefined;
  const id = idOf(value.config);
  if (typeof id !== "string") return undefined;
  const parent = idOf(value.parentConfig) ?? idOf(value.parent_config);
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  return {
    id,
    ...(typeof parent === "string" ? { parent_id: parent } : {}),
    step: typeof metadata.step === "number" ? metadata.step : -1,
    source: typeof metadata.source === "string" ? metadata.source : "loop",
  };
}

/** LangGraph's tools-mode payload → the protocol's tool event. */
function toolData(value: unknown): Record<string, unknown> | undefined {
  if (!isRecord(value) || typeof value.event !== "string") return undefined;
  const id = value.toolCallId ?? value.tool_call_id ?? value.id;
  const toolCallId = typeof id === "string" ? id : "";
  switch (value.event) {
    case "on_tool_start":
      return {
        event: "tool-started",
        tool_call_id: toolCallId,
        tool_name: typeof value.name === "string" ? value.name : "tool",
        input: value.input,
      };
    case "on_tool_event":
      return {
        event: "tool-output-delta",
        tool_call_id: toolCallId,
        delta: typeof value.data === "string" ? value.data : JSON.stringify(value.data ?? null),
      };
    case "on_tool_end":
      return { event: "tool-finished", tool_call_id: toolCallId, output: value.output };
    case "on_tool_error": {
      const error = value.error;
      const message = isRecord(error) && typeof error.message === "string" ? error.message : String(error);
      return { event: "tool-error", tool_call_id: toolCallId, message };
    }
    default:
      return undefined;
  }
}

/** A task-result payload of tasks mode (`{id, name, result, error}`), for a real node (not `__start__` …). */
function taskResult(value: unknown): { id: string; name: string; failed: boolean } | undefined {
  if (!isRecord(value) || !("result" in value) || typeof value.id !== "string" || typeof value.name !== "string")
    return undefined;
  if (value.name.startsWith("__")) return undefined;
  return { id: value.id, name: value.name, failed: value.error != null };
}
