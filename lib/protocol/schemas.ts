/**
 * Bodies of the thread-centric protocol's HTTP/SSE transport (@langchain/protocol, section 4: POST
 * /threads/{id}/commands and POST /threads/{id}/stream/events), and the params of each command we serve.
 *
 * Envelopes are validated strictly (a malformed one answers 422, like every other body); a command's params are
 * validated by its handler and a bad one answers the protocol's own `invalid_argument` error. Objects stay open
 * (unknown keys pass): the protocol marks every type Extensible.
 */
import { z } from "zod";

const Json = z.record(z.string(), z.unknown());
const Namespace = z.array(z.string());

/** The channels a client can ask for; `custom:<name>` selects one named custom stream. */
export const CHANNELS = [
  "values",
  "updates",
  "messages",
  "tools",
  "lifecycle",
  "input",
  "checkpoints",
  "tasks",
  "custom",
] as const;
export const Channel = z.union([z.enum(CHANNELS), z.string().regex(/^custom:.+$/, "a channel, or custom:<name>")]);
export type Channel = z.infer<typeof Channel>;

/** POST /threads/{id}/commands */
export const ProtocolCommand = z.looseObject({
  id: z.number().int().nonnegative(),
  method: z.string().min(1),
  params: Json.nullish(),
});
export type ProtocolCommand = z.infer<typeof ProtocolCommand>;

/** POST /threads/{id}/stream/events: the filter of one event stream, and where to resume it. */
export const EventStreamRequest = z.looseObject({
  channels: z.array(Channel).min(1),
  /** Prefix-match these namespaces (a segment without `:` also matches `name:<task id>`). */
  namespaces: z.array(Namespace).nullish(),
  /** How far below a namespace prefix events may be. */
  depth: z.number().int().nonnegative().nullish(),
  /** Replay only events with a greater `seq`. */
  since: z.number().int().nonnegative().nullish(),
});
export type EventStreamRequest = z.infer<typeof EventStreamRequest>;

const Strategy = z.enum(["reject", "interrupt", "rollback", "enqueue"]);

/** run.start (RunStartParams; the SDK also sends the strategy, under both spellings). */
export const RunStartParams = z.looseObject({
  assistant_id: z.string().min(1),
  input: z.unknown().optional(),
  config: Json.nullish(),
  context: Json.nullish(),
  metadata: Json.nullish(),
  multitask_strategy: Strategy.nullish(),
  multitaskStrategy: Strategy.nullish(),
});

const RespondExtras = {
  update: z.unknown().optional(),
  goto: z.unknown().optional(),
  config: Json.nullish(),
  metadata: Json.nullish(),
  strict_resume: z.boolean().nullish(),
};

/** input.respond: one interrupt (InputRespondOne) or several at one checkpoint (InputRespondMany). */
export const InputRespondParams = z.union([
  z.looseObject({
    interrupt_id: z.string().min(1),
    response: z.unknown(),
    namespace: Namespace.nullish(),
    ...RespondExtras,
  }),
  z.looseObject({
    responses: z
      .array(z.looseObject({ interrupt_id: z.string().min(1), response: z.unknown(), namespace: Namespace.nullish() }))
      .min(1),
    ...RespondExtras,
  }),
]);

export const StateGetParams = z.looseObject({ namespace: Namespace.nullish(), keys: z.array(z.string()).nullish() });

export const ListCheckpointsParams = z.looseObject({
  namespace: Namespace.nullish(),
  limit: z.number().int().min(1).max(1000).nullish(),
  before: z.string().nullish(),
});

export const StateForkParams = z.looseObject({
  checkpoint_id: z.string().min(1),
  input: z.unknown().optional(),
  config: Json.nullish(),
});

export const AgentGetTreeParams = z.looseObject({ run_id: z.string().nullish() });
