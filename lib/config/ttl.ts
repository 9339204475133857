/**
 * Data that expires, as LangGraph Platform offers it in langgraph.json:
 *   "checkpointer": { "ttl": { "strategy": "delete", "default_ttl": <minutes>, "sweep_interval_minutes"?: n } }
 *   "store":        { "ttl": { "default_ttl"?: <minutes>, "refresh_on_read"?: true, "sweep_interval_minutes"?: n } }
 *
 * Both are enforced with DynamoDB TTL (`expires_at`), and every read ignores an expired item before DynamoDB
 * removes it (which takes up to a few days), so no sweep runs: `sweep_interval_minutes` is accepted and unused.
 *
 * The checkpointer TTL is per thread: a thread and its checkpoints expire `default_ttl` minutes after the thread was
 * last written (created, run, state updated, metadata patched); each checkpoint expires `default_ttl` after it was
 * written, so while a thread lives, checkpoints older than that leave its history. Store items expire `default_ttl`
 * minutes after their last put, or read when `refresh_on_read`. A deployment gets both through environment
 * variables the CDK construct sets from the langgraph.json it deploys.
 */
import { z } from "zod";
import { ENV } from "./env.js";

const minutes = z.number().positive().finite();

export const CheckpointerTtl = z.object({
  strategy: z.literal("delete", { message: 'only "delete" is supported' }).default("delete"),
  default_ttl: minutes,
  sweep_interval_minutes: z.number().int().positive().optional(),
});
export type CheckpointerTtl = z.infer<typeof CheckpointerTtl>;

export const StoreTtl = z.object({
  default_ttl: minutes.nullish(),
  refresh_on_read: z.boolean().default(true),
  sweep_interval_minutes: z.number().int().positive().nullish(),
});
export type StoreTtl = z.infer<typeof StoreTtl>;

/** What expires, from langgraph.json (or the environment of a deployed function). */
export interface DataTtl {
  checkpointer?: CheckpointerTtl;
  store?: StoreTtl;
}

/** The environment variables that carry `ttl` to deployed functions. */
export function ttlToEnv(ttl: DataTtl): Record<string, string> {
  const env: Record<string, string> = {};
  if (ttl.checkpointer) env[ENV.checkpointerTtl] = JSON.stringify(ttl.checkpointer);
  if (ttl.store) env[ENV.storeTtl] = JSON.stringify(ttl.store);
  return env;
}

/** `ttl` from the variables ttlToEnv sets; a malformed value is an error naming the variable. */
export function ttlFromEnv(env: NodeJS.ProcessEnv = process.env): DataTtl {
  const read = <T>(name: string, schema: z.ZodType<T>): T | undefined => {
    const text = env[name];
    if (!text) return undefined;
    try {
      return schema.parse(JSON.parse(text));
    } catch (err) {
      throw new Error(`lambdagraph: ${name} is not a valid TTL setting: ${(err as Error).message}`);
    }
  };
  return { checkpointer: read(ENV.checkpointerTtl, CheckpointerTtl), store: read(ENV.storeTtl, StoreTtl) };
}
