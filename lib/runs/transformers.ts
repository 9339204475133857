/**
 * A graph's stream transformers (`.compile({ transformers })`) over the events of a protocol run (one started by
 * POST /threads/{id}/commands), as the official server runs them: it streams such runs through
 * `streamEvents(…, {version: "v3"})`, whose StreamMux feeds every protocol event to each transformer and sends
 * - each push to a named StreamChannel of a transformer's projection as a `custom:<channel>` event, at the namespace
 *   of the event being processed, just before that event;
 * - each promise of a projection, once the run has ended without error (an interrupt included), as a root `custom`
 *   event `{name: <key>, payload: <value>}`, in the order they settle, before the run's terminal lifecycle; a failed
 *   or cancelled run sends none.
 * Unnamed channels and plain values stay in the process. Plain `runs.stream` runs get none of this, as officially.
 *
 * Here the graph runs in a worker whose events go to the run's event log, and each reader converts them to protocol
 * events (lib/protocol/convert.ts). So the worker converts them too, with the same converter, and feeds the
 * transformers those protocol events; what the transformers send is stored as run events — a push as
 * `custom:<channel>|<namespace…>` with the item as data (the official run stream names it so too), the final values
 * as `custom` events `{name, payload}` — which readers convert like any other, in any process. A run resumed in
 * another invocation (a hand-back) rebuilds its transformers' state by feeding them the events stored so far,
 * skipping the `custom:…` events they stored.
 *
 * What the transformers see differs from the official mux's events where our protocol stream does: no
 * `input.requested`/`input.answered` (the core mux has none; an interrupt reaches them as the `updates` event of the
 * `__interrupt__` node, as there), `values` without `__interrupt__`, and seq numbers of our own. Not supported: a
 * transformer's `process` returning false (the official mux then drops the event; here it is kept) and events a
 * transformer pushes through `onRegister`'s emitter (fed to the transformers, not stored).
 */
import {
  isNativeTransformer,
  StreamChannel,
  type ProtocolEvent as CoreEvent,
  type StreamTransformer,
} from "@langchain/langgraph";
import type { CompiledGraph } from "../graphs/registry.js";
import { log } from "../log/log.js";
import { answeredInterrupts, RunConverter } from "../protocol/convert.js";
import type { ProtocolEvent } from "../protocol/events.js";
import { parseEventName, type Namespace } from "../protocol/namespace.js";
import type { StreamEvent } from "../stream/event-log.js";

/** An event to store: its name and data. */
export type TransformerEvent = [event: string, data: unknown];

/**
 * How long a run waits, once it has ended, for its transformers' final values. The official server waits for them
 * without end; a worker must not hold its thread forever for a promise that never settles.
 */
export const FINAL_VALUES_TIMEOUT_MS = 10_000;

/** The stored name of a push to the named channel `channel` at `ns` (the official run stream's event name). */
const channelEvent = (channel: string, ns: Namespace) => [`custom:${channel}`, ...ns].join("|");

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A thenable, as the official mux tells a final value (a projection's promise) from a plain value. */
const isPromiseLike = (v: unknown): v is PromiseLike<unknown> =>
  (typeof v === "object" || typeof v === "function") &&
  v !== null &&
  typeof (v as { then?: unknown }).then === "function";

export class RunTransformers {
  private readonly transformers: StreamTransformer<unknown>[] = [];
  private readonly channels: StreamChannel<unknown>[] = [];
  private readonly finals: { name: string; value: PromiseLike<unknown> }[] = [];
  private readonly converter: RunConverter;
  /** Channel pushes made while the current event is fed. */
  private pushed: TransformerEvent[] = [];
  /** The namespace of the event being fed (a push is placed there). */
  private namespace: Namespace = [];
  private failure?: unknown;
  private ended = false;

  /** The transformers of `graph` for a run, or undefined when the graph has none. */
  static of(
    graph: CompiledGraph,
    run: { run_id: string; graph_id: string; stream_mode: string[]; command?: unknown },
  ): RunTransformers | undefined {
    const factories = (graph as { streamTransformers?: (() => StreamTransformer<unknown>)[] }).streamTransformers;
    return factories && factories.length > 0 ? new RunTransformers(factories, run) : undefined;
  }

  private constructor(
    factories: (() => StreamTransformer<unknown>)[],
    run: { run_id: string; graph_id: string; stream_mode: string[]; command?: unknown },
  ) {
    this.converter = new RunConverter({
      run_id: run.run_id,
      position: 0,
      graph_id: run.graph_id,
      stream_mode: run.stream_mode,
      answers: answeredInterrupts(run.command),
    });
    for (const factory of factories) {
      const transformer = factory();
      this.transformers.push(transformer);
      transformer.onRegister?.({ push: (ns, event) => this.process(ns, event) });
      const projection = transformer.init();
      // A native transformer's projection is LangGraph's own (values, messages …), never wired to the stream.
      if (!isNativeTransformer(transformer) && isRecord(projection)) this.wire(projection);
    }
  }

  /**
   * Feeds the transformers the protocol events `event` (about to be stored with that id) becomes, and returns the
   * events they send, to store before it. After a transformer throws, nothing more is fed (see throwIfFailed).
   */
  before(event: StreamEvent): TransformerEvent[] {
    if (this.failure !== undefined || this.ended) return [];
    this.pushed = [];
    try {
      for (const protocolEvent of this.asCore(event, this.converter.convert(event)))
        this.process(protocolEvent.params.namespace, protocolEvent);
    } catch (err) {
      this.failure = err;
    }
    return this.pushed.splice(0);
  }

  /** Feeds the events a run stored in an earlier attempt, without the ones its transformers sent. */
  replay(events: StreamEvent[]): void {
    for (const event of events) if (!parseEventName(event.event).mode.startsWith("custom:")) this.before(event);
  }

  /** Throws what a transformer threw: the run ends with that error, as officially. */
  throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /**
   * The run ended without error: feeds the transformers its terminal lifecycle (as LangGraph's lifecycle transformer
   * does before the others finalize), finalizes them and returns what they send: pushes made meanwhile, then the
   * final values.
   */
  async finish(nextId: number): Promise<TransformerEvent[]> {
    if (this.failure !== undefined || this.ended) return [];
    const out = this.before({ id: nextId, event: "end", data: null });
    if (this.failure !== undefined) {
      this.fail(this.failure);
      return [];
    }
    this.ended = true;
    const finalizing: PromiseLike<unknown>[] = [];
    for (const transformer of this.transformers) {
      try {
        const result: unknown = transformer.finalize?.();
        if (isPromiseLike(result)) finalizing.push(result);
      } catch (err) {
        log.warn("a stream transformer's finalize threw", { error: String(err) });
      }
    }
    out.push(...this.pushed.splice(0));
    for (const channel of this.channels) channel.close();
    const settled = Promise.allSettled([
      ...finalizing,
      ...this.finals.map(async ({ name, value }) => out.push(["custom", { name, payload: await value }])),
    ]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">(
      (resolve) => (timer = setTimeout(resolve, FINAL_VALUES_TIMEOUT_MS, "timeout")),
    );
    if ((await Promise.race([settled, timeout])) === "timeout")
      log.warn("stream transformers' final values did not settle in time; sent what had", {
        timeout_ms: FINAL_VALUES_TIMEOUT_MS,
      });
    clearTimeout(timer);
    return out.splice(0); // what settles later is not sent
  }

  /** The run failed or was cancelled: the transformers are told, and send nothing more. */
  fail(err: unknown): void {
    if (this.ended) return;
    this.ended = true;
    for (const transformer of this.transformers) {
      try {
        transformer.fail?.(err);
      } catch {
        // nothing is sent for a failed run anyway
      }
    }
    for (const channel of this.channels) channel.fail(err);
  }

  /** Named channels send their pushes; promises are final values (StreamMux.wireChannels). */
  private wire(projection: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(projection)) {
      if (StreamChannel.isInstance(value)) {
        this.channels.push(value);
        const name = value.channelName;
        if (typeof name === "string")
          value._wire((item) => this.pushed.push([channelEvent(name, this.namespace), item]));
      } else if (isPromiseLike(value)) {
        this.finals.push({ name: key, value });
      }
    }
  }

  private process(ns: Namespace, event: CoreEvent): void {
    const outer = this.namespace;
    this.namespace = ns;
    try {
      for (const transformer of this.transformers) transformer.process(event);
    } finally {
      this.namespace = outer;
    }
  }

  /**
   * Our protocol events as the core mux has them: no `input.*` events, and an interrupt as the `updates` event of
   * the `__interrupt__` node (convertToProtocolEvent's `{node, values}`), where its first `input.requested` was.
   */
  private asCore(event: StreamEvent, converted: ProtocolEvent[]): CoreEvent[] {
    const { mode, namespace } = parseEventName(event.event);
    const interrupts = mode === "updates" && isRecord(event.data) ? event.data.__interrupt__ : undefined;
    const out: CoreEvent[] = [];
    let placed = interrupts === undefined;
    const interruptUpdate = (): CoreEvent => ({
      type: "event",
      seq: converted[0]?.seq ?? 0,
      method: "updates",
      params: {
        namespace,
        timestamp: Date.now(),
        node: "__interrupt__",
        data: { node: "__interrupt__", values: isRecord(interrupts) || Array.isArray(interrupts) ? interrupts : {} },
      },
    });
    for (const e of converted) {
      if (e.method === "input.requested" || e.method === "input.answered") {
        if (!placed && e.method === "input.requested") {
          out.push(interruptUpdate());
          placed = true;
        }
        continue;
      }
      out.push(e as CoreEvent);
    }
    if (!placed) out.push(interruptUpdate());
    return out;
  }
}
