/**
 * A graph run as the API's stream events `{event, data}`: one per chunk, named by stream mode, with
 * `mode|namespace` for subgraphs under `stream_subgraphs`.
 *
 * Two paths, as on the official server:
 * - The common one is `graph.stream` with LangGraph's own modes (`messages-tuple` is LangGraph's `messages`).
 * - When `events` or the legacy `messages` mode is asked for, `graph.streamEvents` (v2) is used instead. The
 *   root graph's `on_chain_stream` events carry the mode chunks; every other event is an `events` event; and
 *   legacy `messages` is assembled from chat-model tokens (`messages/metadata`, `messages/partial`) and from
 *   the messages in `values` (`messages/complete`).
 */
import type { BaseMessageChunk } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { isCheckpointEnvelope } from "@langchain/langgraph";
import type { CompiledGraph } from "../graphs/registry.js";
import type { StreamMode } from "../schemas/runs.js";
import { debugChunk, debugTask } from "../serialization/checkpoint-payloads.js";

export interface GraphStreamOptions {
  runId: string;
  config: RunnableConfig;
  modes: StreamMode[];
  subgraphs: boolean;
  signal: AbortSignal;
  interruptBefore?: "*" | string[];
  interruptAfter?: "*" | string[];
  context?: Record<string, unknown>;
  /** Called after each superstep of the root graph: a checkpoint was just written. */
  onStep?: () => void;
}

export interface ApiStreamEvent {
  event: string;
  data: unknown;
}

type Chunk = [string[], string, unknown];

const name = (mode: string, ns: string[] | undefined) => (ns && ns.length > 0 ? `${mode}|${ns.join("|")}` : mode);

/** A LangGraph chunk as the API event the client asked for (`messages` is `messages-tuple`'s), else undefined. */
function apiEvent(
  wanted: ReadonlySet<string>,
  ns: string[] | undefined,
  mode: string,
  data: unknown,
): ApiStreamEvent | undefined {
  // A checkpoint envelope `{id, parent_id, step, source}` goes before each `values` chunk under stream_subgraphs
  // (LangGraph emits it then; see checkpointEnvelopes) unless the full `checkpoints` mode was asked for.
  if (mode === "checkpoints" && isCheckpointEnvelope(data))
    return checkpointEnvelopes(wanted, true) ? { event: name(mode, ns), data } : undefined;
  if (mode === "messages") return wanted.has("messages-tuple") ? { event: name("messages", ns), data } : undefined;
  if (!wanted.has(mode)) return undefined;
  if (mode === "debug") return { event: name(mode, ns), data: debugChunk(data) };
  if (mode === "tasks") return { event: name(mode, ns), data: debugTask(data) };
  return { event: name(mode, ns), data };
}

/**
 * The stream mode an event was sent for (`messages` events are `messages-tuple`'s, `messages/…` the legacy
 * `messages`'), or undefined for the run's own events (`metadata`, `error`, `end`), which every mode gets.
 */
export function streamModeOf(event: string): StreamMode | undefined {
  const mode = event.split("|")[0];
  if (mode === "messages") return "messages-tuple";
  if (mode.startsWith("custom:")) return "custom"; // a stream transformer's named channel (lib/runs/transformers.ts)
  if (mode.startsWith("messages/")) return "messages";
  const modes: readonly string[] = ["values", "updates", "events", "debug", "custom", "tasks", "checkpoints", "tools"];
  return modes.includes(mode) ? (mode as StreamMode) : undefined;
}

/**
 * Whether the client gets checkpoint envelopes, as from the official server: it streams through `streamEvents`, for
 * which LangGraph yields an envelope before every `values` chunk (root and subgraphs) when subgraphs are streamed and
 * `values` is among its modes (legacy `messages` adds it) but `checkpoints` is not. `graph.stream` yields them only
 * when its options carry a `version`, as streamEvents' do, hence the `version` key on the stream path.
 */
function checkpointEnvelopes(wanted: ReadonlySet<string>, subgraphs: boolean): boolean {
  return subgraphs && (wanted.has("values") || wanted.has("messages")) && !wanted.has("checkpoints");
}

export async function* streamGraph(
  graph: CompiledGraph,
  input: unknown,
  options: GraphStreamOptions,
): AsyncGenerator<ApiStreamEvent> {
  const wanted = new Set<string>(options.modes);
  const libModes = new Set<string>(
    [...wanted].filter((m) => m !== "events" && m !== "messages-tuple" && m !== "messages"),
  );
  // Always LangGraph's `messages` mode (its chunks dropped unless `messages-tuple` was asked for): its handler makes
  // chat models stream, as they always do on the official server (which runs graphs through streamEvents), so
  // what a model returns is the same there and here (an AIMessageChunk with a `run-…` id).
  libModes.add("messages");
  libModes.add("values"); // a root `values` chunk marks the end of a superstep (see onStep)
  const common = {
    ...options.config,
    streamMode: [...libModes],
    subgraphs: options.subgraphs,
    ...(checkpointEnvelopes(wanted, options.subgraphs) && { version: "v2" }),
    signal: options.signal,
    interruptBefore: options.interruptBefore,
    interruptAfter: options.interruptAfter,
    context: options.context,
  };

  if (!wanted.has("events") && !wanted.has("messages")) {
    const stream = await graph.stream(input, common as Parameters<CompiledGraph["stream"]>[1]);
    for await (const raw of stream as AsyncIterable<unknown[]>) {
      const [ns, mode, data] = (raw.length >= 3 ? raw : [[], ...raw]) as Chunk;
      const event = apiEvent(wanted, ns, mode, data);
      if (event) yield event;
      if (mode === "values" && ns.length === 0) options.onStep?.();
    }
    return;
  }

  const partial: Record<string, BaseMessageChunk> = {};
  const completed = new Set<string>();
  const events = graph.streamEvents(input, { ...common, version: "v2", runId: options.runId } as Parameters<
    CompiledGraph["streamEvents"]
  >[1]);
  for await (const event of events as AsyncIterable<{
    event: string;
    run_id: string;
    tags?: string[];
    metadata?: unknown;
    data: { chunk?: unknown };
  }>) {
    if (event.tags?.includes("langsmith:hidden")) continue;
    const isRootChunk = event.event === "on_chain_stream" && (options.subgraphs || event.run_id === options.runId);
    if (isRootChunk) {
      const raw = event.data.chunk as unknown[];
      const [ns, mode, data] = (options.subgraphs ? raw : [[], ...raw]) as Chunk;
      const apiChunk = apiEvent(wanted, ns, mode, data);
      if (apiChunk) yield apiChunk;
      if (mode === "values" && (!ns || ns.length === 0)) options.onStep?.();
      if (wanted.has("messages") && mode === "values") {
        const messages = (data as { messages?: unknown })?.messages;
        const fresh = (Array.isArray(messages) ? messages : []).filter(
          (m: { id?: string }) => m?.id && !completed.has(m.id),
        );
        for (const m of fresh) completed.add(m.id);
        if (fresh.length > 0) yield { event: "messages/complete", data: fresh };
      }
      continue;
    }
    if (wanted.has("events")) yield { event: "events", data: event };
    if (wanted.has("messages") && event.event === "on_chat_model_stream" && !event.tags?.includes("nostream")) {
      const chunk = event.data.chunk as BaseMessageChunk;
      if (!chunk?.id) continue;
      if (!partial[chunk.id]) {
        partial[chunk.id] = chunk;
        yield { event: "messages/metadata", data: { [chunk.id]: { metadata: event.metadata } } };
      } else {
        partial[chunk.id] = partial[chunk.id].concat(chunk);
      }
      yield { event: "messages/partial", data: [partial[chunk.id]] };
    }
  }
}
