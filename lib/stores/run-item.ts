/** A run as the `runs` table holds it (key schema: ./run-store.ts), and the API object clients see of it. */
import { publicKwargs, type PublicRunKwargs, type RunKwargs } from "./run-kwargs.js";

export type RunStatus = "pending" | "running" | "success" | "error" | "timeout" | "interrupted";
export type MultitaskStrategy = "reject" | "interrupt" | "rollback" | "enqueue";
export type CancelAction = "interrupt" | "rollback";

export interface Run {
  run_id: string;
  thread_id: string;
  assistant_id: string;
  status: RunStatus;
  metadata: Record<string, unknown>;
  kwargs: RunKwargs;
  multitask_strategy: MultitaskStrategy;
  created_at: string;
  updated_at: string;
}

export interface StoredRun extends Run {
  cancel?: CancelAction;
  attempt: number;
  error?: { error: string; message: string };
  lease_until?: number;
}

export const FINAL_STATUSES: ReadonlySet<RunStatus> = new Set(["success", "error", "timeout", "interrupted"]);

/** The API object: what clients see of a stored run. */
export interface PublicRun extends Omit<Run, "kwargs"> {
  kwargs: PublicRunKwargs;
}

export function publicRun(run: StoredRun): PublicRun {
  return {
    run_id: run.run_id,
    thread_id: run.thread_id,
    assistant_id: run.assistant_id,
    status: run.status,
    metadata: run.metadata,
    kwargs: publicKwargs(run, run.kwargs),
    multitask_strategy: run.multitask_strategy,
    created_at: run.created_at,
    updated_at: run.updated_at,
  };
}

export function toRun(item: Record<string, any>): StoredRun {
  return {
    run_id: item.run_id,
    thread_id: item.thread_id,
    assistant_id: item.assistant_id,
    status: item.status,
    metadata: item.metadata ?? {},
    kwargs: typeof item.kwargs === "string" ? JSON.parse(item.kwargs) : {},
    multitask_strategy: item.multitask_strategy,
    created_at: item.created_at,
    updated_at: item.updated_at,
    cancel: item.cancel,
    attempt: item.attempt ?? 0,
    error: item.error,
    lease_until: item.lease_until,
  };
}
