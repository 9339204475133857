import { z } from "zod";
import { MapMetadata } from "./metadata.js";
import { Flag } from "./query.js";

/** Request bodies of the run endpoints, as LangGraph Platform clients send them (snake_case). */

export const StreamMode = z.enum([
  "values",
  "updates",
  "messages",
  "messages-tuple",
  "events",
  "debug",
  "custom",
  "tasks",
  "checkpoints",
  "tools",
]);
export type StreamMode = z.infer<typeof StreamMode>;

const Json = z.record(z.string(), z.unknown());
const NodeList = z.union([z.literal("*"), z.array(z.string())]);

export const RunCreateBody = z.object({
  assistant_id: z.string().min(1),
  input: z.union([Json, z.array(z.unknown()), z.string(), z.number(), z.boolean()]).nullish(),
  command: z
    .object({
      resume: z.unknown().optional(),
      update: z.unknown().optional(),
      goto: z.unknown().optional(),
    })
    .nullish(),
  metadata: MapMetadata.nullish(),
  config: z
    .object({
      configurable: Json.optional(),
      tags: z.array(z.string()).optional(),
      recursion_limit: z.number().int().positive().optional(),
    })
    .passthrough()
    .nullish(),
  context: Json.nullish(),
  checkpoint_id: z.string().nullish(),
  checkpoint: z.looseObject({ checkpoint_id: z.string().nullish(), checkpoint_ns: z.string().nullish() }).nullish(),
  interrupt_before: NodeList.nullish(),
  interrupt_after: NodeList.nullish(),
  stream_mode: z.union([StreamMode, z.array(StreamMode)]).nullish(),
  stream_subgraphs: z.boolean().nullish(),
  stream_resumable: z.boolean().nullish(),
  on_disconnect: z.enum(["cancel", "continue"]).nullish(),
  on_completion: z.enum(["delete", "keep"]).nullish(),
  multitask_strategy: z.enum(["reject", "interrupt", "rollback", "enqueue"]).nullish(),
  if_not_exists: z.enum(["reject", "create"]).nullish(),
  after_seconds: z.number().nonnegative().nullish(),
  webhook: z.string().nullish(),
  feedback_keys: z.array(z.string()).nullish(),
  durability: z.enum(["sync", "async", "exit"]).nullish(),
});
export type RunCreateBody = z.infer<typeof RunCreateBody>;

export const CancelQuery = z.object({
  wait: Flag.optional(),
  action: z.enum(["interrupt", "rollback"]).optional(),
});

/** POST /runs/batch: up to 100 stateless runs. */
export const RunBatchBody = z.array(RunCreateBody).min(1).max(100);

/** GET /threads/{id}/runs/{run_id}/stream (and POST with ?action= to cancel first). */
export const JoinStreamQuery = CancelQuery.extend({
  cancel_on_disconnect: Flag.optional(),
  /** Repeatable: only these modes' events (a subset of the run's). */
  stream_mode: z.array(StreamMode).optional(),
});

export const RunListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(10),
  offset: z.coerce.number().int().min(0).default(0),
  status: z.enum(["pending", "running", "success", "error", "timeout", "interrupted"]).optional(),
});

export const CancelManyBody = z
  .object({
    thread_id: z.string().nullish(),
    run_ids: z.array(z.string()).min(1).nullish(),
    status: z.enum(["pending", "running", "all"]).nullish(),
  })
  .refine((b) => !!b.thread_id !== !!b.status, {
    message: "give either thread_id (with optional run_ids) or status",
    path: ["thread_id"],
  })
  .refine((b) => !b.run_ids || !!b.thread_id, { message: "run_ids needs thread_id", path: ["run_ids"] });

export type CancelQuery = z.infer<typeof CancelQuery>;
export type RunBatchBody = z.infer<typeof RunBatchBody>;
export type JoinStreamQuery = z.infer<typeof JoinStreamQuery>;
export type RunListQuery = z.infer<typeof RunListQuery>;
export type CancelManyBody = z.infer<typeof CancelManyBody>;
