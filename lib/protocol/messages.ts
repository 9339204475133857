/**
 * The `messages` channel: stored v1 `messages` events — `[message or chunk, metadata]` tuples, one per token —
 * become the protocol's content-block lifecycle (section 8):
 *
 *   message-start → content-block-start → content-block-delta … → content-block-finish → … → message-finish
 *
 * A chunk (an AIMessageChunk: it has `tool_call_chunks`) opens its message on first sight and appends to the block
 * being streamed: text and reasoning as text/reasoning deltas, tool-call chunks as a `tool_call_chunk` block with
 * `tool-call-delta`s, which finishes as a parsed `tool_call`. Blocks never interleave: a block of another kind
 * finishes the current one first. A complete message (a node's output, a tool result) is emitted whole.
 *
 * v1 has no end-of-message marker, so the run converter closes a streamed message when its node is done (the node's
 * `updates` or task result, or its graph's next `values`) and at the end of the run (an `error` fails it instead).
 *
 * Namespaces follow LangGraph's protocol streaming: a message is placed at its node's task namespace (its
 * `langgraph_checkpoint_ns`: `["agent:<task id>"]` for a root-graph node), not at the graph's.
 * Every message event carries `run_id` = the message id: the SDK keys concurrent messages of one node by `run_id`
 * (the model call's id, which v1 chunks do not carry; a message id names one model call just as well).
 */
import { fromCheckpointNs, type Namespace } from "./namespace.js";

type Block = Record<string, unknown> & { type: string };
type Usage = { input_tokens?: number; output_tokens?: number; total_tokens?: number };

/** Emits one `messages` event at `ns` (produced by `node`). */
export type EmitMessage = (ns: Namespace, data: Record<string, unknown>, node?: string) => void;

export interface OpenMessage {
  id: string;
  ns: Namespace;
  node?: string;
  blocks: Block[];
  /** Index of the block being streamed. */
  active?: number;
  /** Which tool-call chunk (its `index`, else its id) the active tool_call_chunk block is. */
  toolKey?: unknown;
  usage?: Usage;
  reason?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const ROLES: Record<string, string> = {
  human: "human",
  user: "human",
  system: "system",
  tool: "tool",
  function: "tool",
};

export class MessageConverter {
  private readonly open = new Map<string, OpenMessage>();

  /** One stored `messages` event (`eventNs`: the namespace in its name; `fallbackId` for a message without id). */
  consume(tuple: unknown, eventNs: Namespace, fallbackId: string, emit: EmitMessage): void {
    const [message, meta] = (Array.isArray(tuple) ? tuple : [tuple, {}]) as [unknown, unknown];
    if (!isRecord(message)) return;
    const type = typeof message.type === "string" ? message.type : "ai";
    if (type === "remove") return;
    const metadata = isRecord(meta) ? meta : {};
    const node = typeof metadata.langgraph_node === "string" ? metadata.langgraph_node : undefined;
    const ns =
      typeof metadata.langgraph_checkpoint_ns === "string"
        ? fromCheckpointNs(metadata.langgraph_checkpoint_ns)
        : eventNs;
    const id = typeof message.id === "string" && message.id !== "" ? message.id : fallbackId;
    const isChunk = "tool_call_chunks" in message || type.endsWith("Chunk");
    const streaming = this.open.get(id);

    if (!isChunk) {
      // The complete form of a message already streamed ends it; any other complete message is sent whole.
      if (streaming) this.close(streaming, emit);
      else this.whole(id, ns, node, message, metadata, emit);
      return;
    }
    const m = streaming ?? this.start(id, ns, node, message, metadata, emit);
    const content = message.content;
    if (typeof content === "string") {
      if (content !== "") this.append(m, "text", content, emit);
    } else if (Array.isArray(content)) {
      for (const part of content) {
        if (typeof part === "string") {
          if (part !== "") this.append(m, "text", part, emit);
        } else if (isRecord(part)) {
          const text = textOf(part);
          if (text) this.append(m, text.kind, text.value, emit);
          else if (!TOOL_PART_TYPES.has(String(part.type)) && typeof part.type === "string")
            this.standalone(m, part as Block, emit);
        }
      }
    }
    for (const chunk of Array.isArray(message.tool_call_chunks) ? message.tool_call_chunks : []) {
      if (isRecord(chunk)) this.appendToolCall(m, chunk, emit);
    }
    if (isRecord(message.usage_metadata)) m.usage = addUsage(m.usage, message.usage_metadata as Usage);
    const response = isRecord(message.response_metadata) ? message.response_metadata : {};
    const reason = response.finish_reason ?? response.stop_reason;
    if (typeof reason === "string") m.reason = reason;
  }

  /** Ends (message-finish) every open message for which `where` holds. */
  finishWhere(where: (m: OpenMessage) => boolean, emit: EmitMessage): void {
    for (const m of [...this.open.values()]) if (where(m)) this.close(m, emit);
  }

  /** Ends every open message with an `error` event (the run failed while it streamed). */
  failAll(message: string, emit: EmitMessage): void {
    for (const m of [...this.open.values()]) {
      this.open.delete(m.id);
      emit(m.ns, { event: "error", run_id: m.id, message }, m.node);
    }
  }

  private start(
    id: string,
    ns: Namespace,
    node: string | undefined,
    message: Record<string, unknown>,
    meta: Record<string, unknown>,
    emit: EmitMessage,
  ) {
    const m: OpenMessage = { id, ns, node, blocks: [] };
    this.open.set(id, m);
    emit(ns, startData(id, message, meta), node);
    return m;
  }

  private whole(
    id: string,
    ns: Namespace,
    node: string | undefined,
    message: Record<string, unknown>,
    meta: Record<string, unknown>,
    emit: EmitMessage,
  ) {
    emit(ns, startData(id, message, meta), node);
    blocksOf(message).forEach((block, index) => {
      emit(ns, { event: "content-block-start", run_id: id, index, content: startBlockOf(block) }, node);
      const delta = wholeDelta(block);
      if (delta) emit(ns, { event: "content-block-delta", run_id: id, index, delta }, node);
      emit(ns, { event: "content-block-finish", run_id: id, index, content: block }, node);
    });
    const usage = isRecord(message.usage_metadata) ? addUsage(undefined, message.usage_metadata as Usage) : undefined;
    emit(ns, finishData(id, usage, undefined), node);
  }

  private append(m: OpenMessage, kind: "text" | "reasoning", value: string, emit: EmitMessage) {
    const index = this.activate(
      m,
      kind,
      () => (kind === "text" ? { type: "text", text: "" } : { type: "reasoning", reasoning: "" }),
      emit,
    );
    const block = m.blocks[index];
    block[kind] = `${(block[kind] as string | undefined) ?? ""}${value}`;
    const delta = kind === "text" ? { type: "text-delta", text: value } : { type: "reasoning-delta", reasoning: value };
    emit(m.ns, { event: "content-block-delta", run_id: m.id, index, delta }, m.node);
  }

  private appendToolCall(m: OpenMessage, chunk: Record<string, unknown>, emit: EmitMessage) {
    const key = chunk.index ?? chunk.id ?? 0;
    const id = typeof chunk.id === "string" ? chunk.id : null;
    const name = typeof chunk.name === "string" ? chunk.name : null;
    const current = m.active === undefined ? undefined : m.blocks[m.active];
    const continues =
      current?.type === "tool_call_chunk" && m.toolKey === key && !(id && current.id && id !== current.id);
    if (!continues) {
      this.finishActive(m, emit);
      m.active = m.blocks.length;
      m.toolKey = key;
      m.blocks.push({ type: "tool_call_chunk", id, name, args: "" });
      emit(
        m.ns,
        { event: "content-block-start", run_id: m.id, index: m.active, content: { ...m.blocks[m.active] } },
        m.node,
      );
    } else if ((id && !current.id) || (name && !current.name)) {
      if (id) current.id = id;
      if (name) current.name = name;
      const fields = { type: "tool_call_chunk", ...(id ? { id } : {}), ...(name ? { name } : {}) };
      emit(
        m.ns,
        { event: "content-block-delta", run_id: m.id, index: m.active, delta: { type: "block-delta", fields } },
        m.node,
      );
    }
    const index = m.active!;
    if (typeof chunk.args === "string" && chunk.args !== "") {
      m.blocks[index].args = `${m.blocks[index].args as string}${chunk.args}`;
      emit(
        m.ns,
        { event: "content-block-delta", run_id: m.id, index, delta: { type: "tool-call-delta", args: chunk.args } },
        m.node,
      );
    }
  }

  /** A content part that does not stream (an image, …): started and finished at once. */
  private standalone(m: OpenMessage, part: Block, emit: EmitMessage) {
    this.finishActive(m, emit);
    const index = m.blocks.length;
    m.blocks.push(part);
    emit(m.ns, { event: "content-block-start", run_id: m.id, index, content: part }, m.node);
    emit(m.ns, { event: "content-block-finish", run_id: m.id, index, content: part }, m.node);
  }

  /** The index of the active block if it is of `type`, else of a new one (after finishing the active one). */
  private activate(m: OpenMessage, type: string, fresh: () => Block, emit: EmitMessage): number {
    if (m.active !== undefined && m.blocks[m.active].type === type) return m.active;
    this.finishActive(m, emit);
    m.active = m.blocks.length;
    m.blocks.push(fresh());
    emit(
      m.ns,
      { event: "content-block-start", run_id: m.id, index: m.active, content: { ...m.blocks[m.active] } },
      m.node,
    );
    return m.active;
  }

  private finishActive(m: OpenMessage, emit: EmitMessage) {
    if (m.active === undefined) return;
    const index = m.active;
    m.blocks[index] = finalBlock(m.blocks[index]);
    m.active = undefined;
    m.toolKey = undefined;
    emit(m.ns, { event: "content-block-finish", run_id: m.id, index, content: m.blocks[index] }, m.node);
  }

  private close(m: OpenMessage, emit: EmitMessage) {
    this.finishActive(m, emit);
    this.open.delete(m.id);
    emit(m.ns, finishData(m.id, m.usage, m.reason), m.node);
  }
}

/** Content parts that tool_call_chunks already carry (Anthropic's tool_use / input_json_delta). */
const TOOL_PART_TYPES = new Set(["tool_use", "input_json_delta", "tool_call_chunk", "tool_call"]);

function textOf(part: Record<string, unknown>): { kind: "text" | "reasoning"; value: string } | undefined {
  if (part.type === "text" && typeof part.text === "string")
    return part.text ? { kind: "text", value: part.text } : undefined;
  if (part.type === "reasoning" && typeof part.reasoning === "string")
    return part.reasoning ? { kind: "reasoning", value: part.reasoning } : undefined;
  if (part.type === "thinking" && typeof part.thinking === "string")
    return part.thinking ? { kind: "reasoning", value: part.thinking } : undefined;
  return undefined;
}

function startData(
  id: string,
  message: Record<string, unknown>,
  meta: Record<string, unknown>,
): Record<string, unknown> {
  const type = typeof message.type === "string" ? message.type : "ai";
  const role = ROLES[type] ?? "ai";
  const metadata = Object.fromEntries(
    [
      ["provider", meta.ls_provider],
      ["model", meta.ls_model_name],
      ["model_type", meta.ls_model_type],
    ].filter(([, value]) => typeof value === "string"),
  );
  return {
    event: "message-start",
    role,
    id,
    run_id: id,
    ...(role === "tool" && typeof message.tool_call_id === "string" ? { tool_call_id: message.tool_call_id } : {}),
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

function finishData(id: string, usage: Usage | undefined, reason: string | undefined): Record<string, unknown> {
  return { event: "message-finish", run_id: id, ...(usage ? { usage } : {}), ...(reason ? { reason } : {}) };
}

/** A complete message's content blocks: its text/reasoning/other parts, then its tool calls. */
function blocksOf(message: Record<string, unknown>): Block[] {
  const blocks: Block[] = [];
  const content = message.content;
  if (typeof content === "string") {
    if (content !== "") blocks.push({ type: "text", text: content });
  } else if (Array.isArray(content)) {
    for (const part of content) {
      if (typeof part === "string") {
        if (part !== "") blocks.push({ type: "text", text: part });
      } else if (isRecord(part) && typeof part.type === "string") {
        const text = textOf(part);
        if (text)
          blocks.push(
            text.kind === "text" ? { type: "text", text: text.value } : { type: "reasoning", reasoning: text.value },
          );
        else if (!TOOL_PART_TYPES.has(part.type)) blocks.push(part as Block);
      }
    }
  }
  for (const call of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
    if (isRecord(call))
      blocks.push({
        type: "tool_call",
        id: call.id ?? null,
        name: call.name ?? "",
        args: isRecord(call.args) ? call.args : {},
      });
  }
  for (const call of Array.isArray(message.invalid_tool_calls) ? message.invalid_tool_calls : []) {
    if (isRecord(call))
      blocks.push({
        type: "invalid_tool_call",
        id: call.id ?? null,
        name: call.name ?? null,
        args: call.args ?? null,
        error: call.error ?? null,
      });
  }
  return blocks;
}

/** How a complete block starts: empty text/reasoning/args, filled by one delta (the SDK's text streams read deltas). */
function startBlockOf(block: Block): Block {
  if (block.type === "text") return { type: "text", text: "" };
  if (block.type === "reasoning") return { type: "reasoning", reasoning: "" };
  if (block.type === "tool_call")
    return { type: "tool_call_chunk", id: block.id ?? null, name: block.name ?? null, args: "" };
  return block;
}

function wholeDelta(block: Block): Record<string, unknown> | undefined {
  if (block.type === "text" && block.text) return { type: "text-delta", text: block.text };
  if (block.type === "reasoning" && block.reasoning) return { type: "reasoning-delta", reasoning: block.reasoning };
  if (block.type === "tool_call") return { type: "tool-call-delta", args: JSON.stringify(block.args ?? {}) };
  return undefined;
}

/** A finished block: a tool_call_chunk becomes a `tool_call` with parsed args (or an `invalid_tool_call`). */
function finalBlock(block: Block): Block {
  if (block.type !== "tool_call_chunk") return block;
  const raw = typeof block.args === "string" ? block.args : "";
  try {
    const args: unknown = raw.trim() === "" ? {} : JSON.parse(raw);
    if (isRecord(args)) return { type: "tool_call", id: block.id ?? null, name: block.name ?? "", args };
  } catch {
    // not JSON: an invalid call, below
  }
  return {
    type: "invalid_tool_call",
    id: block.id ?? null,
    name: block.name ?? null,
    args: raw,
    error: "Malformed args.",
  };
}

function addUsage(total: Usage | undefined, next: Usage): Usage {
  const sum = (a: number | undefined, b: number | undefined) => (a ?? 0) + (typeof b === "number" ? b : 0);
  return {
    input_tokens: sum(total?.input_tokens, next.input_tokens),
    output_tokens: sum(total?.output_tokens, next.output_tokens),
    total_tokens: sum(total?.total_tokens, next.total_tokens),
  };
}
