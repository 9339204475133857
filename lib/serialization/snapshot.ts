/**
 * Graph state as the API shows it: a StateSnapshot as the official server's ThreadState, and the `interrupts` a
 * thread keeps. Pure functions of a snapshot, for the services (state reads) and the worker (a run's final state).
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import type { StateSnapshot } from "@langchain/langgraph";
import { toWire } from "./wire.js";

/** The thread's `interrupts`: every pending task's interrupts by task id (an empty list for a task without), as the official server keeps them. */
export function interruptsOf(snapshot: StateSnapshot): Record<string, unknown[]> {
  return Object.fromEntries(snapshot.tasks.map((t) => [t.id, toWire(t.interrupts ?? []) as unknown[]]));
}

/** A checkpoint's address as the API shows it; null for a config that names no checkpoint (no id). */
function checkpointOf(config: RunnableConfig | undefined) {
  const c = config?.configurable ?? {};
  if (typeof c.thread_id !== "string" || typeof c.checkpoint_id !== "string") return null;
  return {
    thread_id: c.thread_id,
    checkpoint_ns: c.checkpoint_ns || "",
    checkpoint_id: c.checkpoint_id,
    checkpoint_map: c.checkpoint_map || null,
  };
}

/** A task's error as the official server words it: an Error's message, else the stored error object as JSON. */
function taskError(error: unknown): string | null {
  if (error == null) return null;
  return error instanceof Error ? error.message : JSON.stringify(error);
}

/**
 * A StateSnapshot as the API's ThreadState, key for key as the official server shows it: a subgraph task's
 * `checkpoint` is the subgraph's config as LangGraph gives it (no id yet), `metadata` is absent when there is no
 * checkpoint, and the root checkpoint's empty `checkpoint_ns` is left out of it.
 */
export function serializeSnapshot(snapshot: StateSnapshot): Record<string, unknown> {
  const metadata = snapshot.metadata ? { ...snapshot.metadata } : undefined;
  if (metadata && (metadata as { checkpoint_ns?: unknown }).checkpoint_ns === "")
    delete (metadata as { checkpoint_ns?: unknown }).checkpoint_ns;
  return {
    values: toWire(snapshot.values),
    next: snapshot.next,
    tasks: snapshot.tasks.map((task) => ({
      id: task.id,
      name: task.name,
      error: taskError(task.error),
      interrupts: toWire(task.interrupts),
      path: task.path,
      checkpoint:
        task.state && "configurable" in task.state ? toWire((task.state as RunnableConfig).configurable ?? null) : null,
      state: task.state && "values" in task.state ? serializeSnapshot(task.state as StateSnapshot) : null,
      result: task.result === undefined ? null : toWire(task.result),
    })),
    metadata: metadata === undefined ? undefined : toWire(metadata),
    created_at: snapshot.createdAt ?? null,
    checkpoint: checkpointOf(snapshot.config),
    parent_checkpoint: checkpointOf(snapshot.parentConfig),
  };
}

/** The state of a thread no graph has run on yet. */
export function emptyState() {
  return { values: {}, next: [], tasks: [], created_at: null, checkpoint: null, parent_checkpoint: null };
}
