import { z } from "zod";
import { RunCreateBody } from "./runs.js";

const Json = z.record(z.string(), z.unknown());

/** The run each occurrence starts: the run-creation fields a cron keeps. */
const CronRunFields = RunCreateBody.pick({
  input: true,
  config: true,
  context: true,
  interrupt_before: true,
  interrupt_after: true,
  webhook: true,
  multitask_strategy: true,
  stream_mode: true,
  stream_subgraphs: true,
  stream_resumable: true,
  durability: true,
});

export const CronCreateBody = CronRunFields.extend({
  assistant_id: z.string().min(1),
  schedule: z.string().min(1),
  timezone: z.string().nullish(),
  end_time: z.string().datetime({ offset: true }).nullish(),
  metadata: Json.nullish(),
  enabled: z.boolean().nullish(),
  on_run_completed: z.enum(["delete", "keep"]).nullish(),
  checkpoint_during: z.boolean().nullish(),
});
export type CronCreateBody = z.infer<typeof CronCreateBody>;

export const CronPatchBody = CronCreateBody.omit({ assistant_id: true }).partial();
export type CronPatchBody = z.infer<typeof CronPatchBody>;

export const CronSearchBody = z.object({
  assistant_id: z.string().nullish(),
  thread_id: z.string().nullish(),
  enabled: z.boolean().nullish(),
  metadata: Json.nullish(),
  limit: z.number().int().min(1).max(1000).nullish(),
  offset: z.number().int().min(0).nullish(),
  sort_by: z
    .enum(["cron_id", "assistant_id", "thread_id", "next_run_date", "end_time", "created_at", "updated_at"])
    .nullish(),
  sort_order: z.enum(["asc", "desc"]).nullish(),
  select: z.array(z.string()).nullish(),
});
export type CronSearchBody = z.infer<typeof CronSearchBody>;

export const CronCountBody = CronSearchBody.pick({ assistant_id: true, thread_id: true, metadata: true });

export type CronCountBody = z.infer<typeof CronCountBody>;
