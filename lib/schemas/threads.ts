import { z } from "zod";
import { MapMetadata } from "./metadata.js";
import { Flag } from "./query.js";

const Json = z.record(z.string(), z.unknown());
const ThreadStatus = z.enum(["idle", "busy", "interrupted", "error"]);

const GotoTarget = z.union([z.string(), z.object({ node: z.string(), input: z.unknown().optional() })]);

/** A Command as clients send it (`goto` may name nodes or Sends as `{node, input}`). */
export const CommandBody = z.object({
  goto: z.union([GotoTarget, z.array(GotoTarget)]).optional(),
  update: z.union([Json, z.array(z.tuple([z.string(), z.unknown()]))]).optional(),
  resume: z.unknown().optional(),
});

/** One superstep of a thread's starting history: updates applied together, each as written by `as_node`. */
const Superstep = z.object({
  updates: z.array(z.object({ values: z.unknown().nullish(), command: CommandBody.nullish(), as_node: z.string() })),
});
export type Superstep = z.infer<typeof Superstep>;

export const ThreadCreateBody = z.object({
  thread_id: z.string().uuid().nullish(),
  metadata: MapMetadata.nullish(),
  if_exists: z.enum(["raise", "do_nothing"]).nullish(),
  ttl: z.unknown().optional(),
  supersteps: z.array(Superstep).nullish(),
});
export type ThreadCreateBody = z.infer<typeof ThreadCreateBody>;

export const ThreadPatchBody = z.object({ metadata: MapMetadata.nullish(), ttl: z.unknown().optional() });

export const ThreadSearchBody = z.object({
  metadata: MapMetadata.nullish(),
  values: Json.nullish(),
  ids: z.array(z.string()).nullish(),
  status: ThreadStatus.nullish(),
  limit: z.number().int().min(1).max(1000).nullish(),
  offset: z.number().int().min(0).nullish(),
  sort_by: z.enum(["thread_id", "status", "created_at", "updated_at"]).nullish(),
  sort_order: z.enum(["asc", "desc"]).nullish(),
  select: z.array(z.string()).nullish(),
});

const CheckpointRef = z.object({
  checkpoint_id: z.string().nullish(),
  checkpoint_ns: z.string().nullish(),
  checkpoint_map: Json.nullish(),
  thread_id: z.string().nullish(),
});

export const StateUpdateBody = z.object({
  values: z.union([Json, z.array(z.unknown())]).nullish(),
  as_node: z.string().nullish(),
  checkpoint_id: z.string().nullish(),
  checkpoint: CheckpointRef.nullish(),
});

export const HistoryBody = z.object({
  limit: z.number().int().min(1).max(1000).nullish(),
  before: z.union([z.string(), CheckpointRef]).nullish(),
  metadata: Json.nullish(),
  checkpoint: CheckpointRef.nullish(),
});

/** POST /threads/{id}/state/checkpoint. */
export const StateAtCheckpointBody = z.object({
  checkpoint: CheckpointRef.nullish(),
  subgraphs: z.boolean().nullish(),
});

/** PATCH /threads/{id}/state: metadata merged into the latest checkpoint's. */
export const StatePatchBody = z.object({ metadata: Json });

/** GET /threads/{id}/history. */
export const HistoryQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).optional() });

export const StateQuery = z.object({ subgraphs: Flag.optional() });

export const ThreadCountBody = ThreadSearchBody.pick({ metadata: true, values: true, status: true });

export const ThreadPruneBody = z.object({
  thread_ids: z.array(z.string()).min(1).max(1000),
  strategy: z.enum(["delete", "keep_latest"]).nullish(),
});

/** GET /threads/{id}/stream: `stream_mode` may repeat. */
export const ThreadStreamQuery = z.object({
  stream_mode: z.array(z.enum(["run_modes", "lifecycle", "state_update"])).optional(),
});

export type CommandBody = z.infer<typeof CommandBody>;
export type ThreadPatchBody = z.infer<typeof ThreadPatchBody>;
export type ThreadSearchBody = z.infer<typeof ThreadSearchBody>;
export type StateUpdateBody = z.infer<typeof StateUpdateBody>;
export type HistoryBody = z.infer<typeof HistoryBody>;
export type StateAtCheckpointBody = z.infer<typeof StateAtCheckpointBody>;
export type StatePatchBody = z.infer<typeof StatePatchBody>;
export type HistoryQuery = z.infer<typeof HistoryQuery>;
export type StateQuery = z.infer<typeof StateQuery>;
export type ThreadCountBody = z.infer<typeof ThreadCountBody>;
export type ThreadPruneBody = z.infer<typeof ThreadPruneBody>;
export type ThreadStreamQuery = z.infer<typeof ThreadStreamQuery>;
