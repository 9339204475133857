/**
 * Protocol events (@langchain/protocol `Event`): their ids and sequence numbers, their channels, and the
 * connection filters of the SSE transport.
 *
 * No process remembers anything between requests, so `seq` and `event_id` are computed from stored data only:
 * the run's position among its thread's runs (runs are ordered by their UUIDv7 ids), the stored v1 event the
 * protocol event was converted from (its id in the run's event log), and the protocol event's index among those
 * that one v1 event yields (conversion is deterministic). Any process, reading the same log, numbers every event
 * the same way, so `since` resumes anywhere and clients de-duplicate replays by `event_id`.
 *
 *   seq = (position + 1) · 2^32 + eventId · 2^8 + index
 *
 * Limits: 2^21 runs per thread, 2^24 stored events per run, 256 protocol events per stored event (beyond those the
 * number stops growing, it does not wrap). A run deleted from a thread (a rollback, DELETE …/runs/{id}) moves the
 * later runs' positions, so their seqs shrink; their `event_id`s (run id, event id, index) never change.
 */
import type { Namespace } from "./namespace.js";
import { isPrefixMatch } from "./namespace.js";

export interface ProtocolEvent {
  type: "event";
  event_id: string;
  seq: number;
  method: string;
  params: { namespace: Namespace; timestamp: number; node?: string; data: unknown };
}

const RUN_SPAN = 2 ** 32;
const EVENT_SPAN = 2 ** 8;
const MAX_EVENT_ID = RUN_SPAN / EVENT_SPAN - 1;
const MAX_POSITION = 2 ** 21 - 2;

export function seqOf(position: number, eventId: number, index: number): number {
  const run = Math.min(position, MAX_POSITION) + 1;
  return run * RUN_SPAN + Math.min(eventId, MAX_EVENT_ID) * EVENT_SPAN + Math.min(index, EVENT_SPAN - 1);
}

/** The run position a `since` points into (-1 for a seq below every run's). */
export function positionOf(seq: number): number {
  return Math.floor(seq / RUN_SPAN) - 1;
}

/**
 * `<run_id>:<event id>:<index>`. Lifecycle events, which this server synthesizes, are prefixed `synth:` — the
 * form the SDK's StreamController reads a run id from (`synth:<run_id>:…`) to tell the runs of a thread apart.
 */
export function eventIdOf(runId: string, eventId: number, index: number, synthesized: boolean): string {
  return `${synthesized ? "synth:" : ""}${runId}:${eventId}:${index}`;
}

/** The channel an event is delivered on (the SDK's `inferChannel`); undefined for a method with none. */
export function channelOf(event: Pick<ProtocolEvent, "method" | "params">): string | undefined {
  switch (event.method) {
    case "values":
    case "updates":
    case "messages":
    case "tools":
    case "lifecycle":
    case "checkpoints":
    case "tasks":
      return event.method;
    case "input.requested":
    case "input.answered":
      return "input";
    case "custom": {
      const name = (event.params.data as { name?: unknown } | null)?.name;
      return typeof name === "string" ? `custom:${name}` : "custom";
    }
    default:
      return undefined;
  }
}

export interface EventFilter {
  channels: ReadonlySet<string>;
  namespaces?: Namespace[] | null;
  depth?: number | null;
}

/** Whether a connection with `filter` receives `event` (channel, namespace prefix, depth below the prefix). */
export function matchesFilter(filter: EventFilter, event: ProtocolEvent): boolean {
  const channel = channelOf(event);
  if (channel === undefined) return false;
  if (!filter.channels.has(channel) && !(channel.startsWith("custom:") && filter.channels.has("custom"))) return false;
  const namespaces = filter.namespaces;
  const depth = filter.depth;
  const ns = event.params.namespace;
  if (!namespaces || namespaces.length === 0) return depth == null || ns.length <= depth;
  return namespaces.some(
    (prefix) => isPrefixMatch(ns, prefix) && (depth == null || ns.length - prefix.length <= depth),
  );
}
