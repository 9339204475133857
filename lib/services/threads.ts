/** Threads: create, read, patch, delete, search. */
import { HttpError } from "../http/errors.js";
import { uuid7 } from "../ids.js";
import { now, type Platform } from "../platform.js";
import type { z } from "zod";
import type { ThreadCountBody, ThreadCreateBody, ThreadSearchBody } from "../schemas/threads.js";
import { newThread, type Thread } from "../stores/thread-store.js";
import { cancelRun, holdThread } from "../runs/lifecycle.js";
import { runsInForeground } from "../runs/foreground.js";
import type { AuthFilters } from "../auth/custom-auth.js";
import { authScopeOf } from "../auth/scope.js";

/**
 * The API object: the stored thread without the lock bookkeeping. As on the official server, `values` and
 * `interrupts` are there once a run (or a state update) has recorded them, and absent before and after a
 * cancelled run.
 */
export function publicThread(thread: Thread): Partial<Omit<Thread, "active_run" | "auth_scope">> {
  const { active_run: _lock, auth_scope: _scope, values, interrupts, ...rest } = thread;
  return values === null ? rest : { ...rest, values, interrupts };
}

export async function createThread(p: Platform, body: ThreadCreateBody): Promise<Thread> {
  return (await insertThread(p, body)).thread;
}

/**
 * The new thread (`created`), or with `if_exists: "do_nothing"` the one already there. Created under custom auth,
 * it records the scope of the create handler's filters (lib/auth/scope.ts). `threadId`: the id made for it when the
 * body names none.
 */
export async function insertThread(
  p: Platform,
  body: ThreadCreateBody,
  auth?: AuthFilters,
  threadId = body.thread_id ?? uuid7(),
): Promise<{ thread: Thread; created: boolean }> {
  const thread = newThread(threadId, body.metadata ?? {});
  const scope = authScopeOf(auth, thread.metadata);
  if (scope) thread.auth_scope = scope;
  if (await p.threads.create(thread)) {
    // A thread whose id was made here has no checkpoint: its first foreground run here reads none (see
    // lib/services/foreground-runs.ts). A chosen id may have some, left by a thread of that id deleted before.
    if (!body.thread_id && runsInForeground(p.queue))
      await p.checkpointer.rememberLatest(thread.thread_id, thread.updated_at);
    return { thread, created: true };
  }
  if (body.if_exists === "do_nothing") return { thread: (await p.threads.get(thread.thread_id))!, created: false };
  throw new HttpError(409, "Thread already exists");
}

export async function getThreadOr404(p: Platform, threadId: string): Promise<Thread> {
  const thread = await p.threads.get(threadId);
  if (!thread) throw new HttpError(404, `Thread with ID ${threadId} not found`); // the official server's words
  return thread;
}

export async function patchThread(p: Platform, threadId: string, metadata: Record<string, unknown>): Promise<Thread> {
  const thread = await p.threads.patch(threadId, { metadata, now: now() });
  if (!thread) throw new HttpError(404, "Thread not found");
  return thread;
}

/** Deletes the thread with its runs (stopping unfinished ones) and checkpoints. */
export async function deleteThread(p: Platform, threadId: string): Promise<void> {
  await getThreadOr404(p, threadId);
  for (const run of await p.runs.unfinished(threadId)) await cancelRun(p, run, "interrupt");
  await p.threads.delete(threadId);
  for (const runId of await p.runs.deleteAll(threadId)) await p.events.delete(runId);
  await p.checkpointer.deleteThread(threadId);
}

/** A new thread with the same metadata, state and history (every checkpoint); 409 for a missing one, as officially. */
export async function copyThread(p: Platform, threadId: string): Promise<Thread> {
  const source = await p.threads.get(threadId);
  if (!source) throw new HttpError(409, "Thread not found");
  const copyId = uuid7();
  // As on the official server, the copy's metadata names the copy.
  const copy: Thread = {
    ...newThread(copyId, { ...source.metadata, thread_id: copyId }),
    values: source.values,
    interrupts: source.interrupts,
    ...(source.auth_scope ? { auth_scope: source.auth_scope } : {}),
  };
  copy.status = source.status === "busy" ? "idle" : source.status;
  await p.checkpointer.copyThread(threadId, copy.thread_id);
  await p.threads.create(copy);
  return copy;
}

/** Deletes the threads (strategy "delete"), or keeps them and only their latest checkpoint ("keep_latest"). */
export async function pruneThreads(
  p: Platform,
  threadIds: string[],
  strategy: "delete" | "keep_latest",
): Promise<number> {
  let pruned = 0;
  for (const threadId of threadIds) {
    const thread = await p.threads.get(threadId);
    if (!thread) continue;
    if (strategy === "delete") await deleteThread(p, threadId);
    else if (!(await keepLatestWhileFree(p, thread))) continue;
    pruned++;
  }
  return pruned;
}

/**
 * Prunes a thread's history to its latest checkpoint only while no run holds it, never under a running run (whose
 * next checkpoint would point into deleted history): the thread is taken for the prune, like a run takes it (a run
 * started meanwhile is refused as busy), then given back with the status it had. A thread a run holds is skipped,
 * and not counted. A prune whose process dies leaves the thread held by no stored run: the next run takes it over.
 */
async function keepLatestWhileFree(p: Platform, thread: Thread): Promise<boolean> {
  if (thread.active_run) return false;
  const held = await holdThread(p, thread.thread_id, "prune", { status: thread.status }, async () => {
    await p.checkpointer.keepLatest(thread.thread_id);
    return { result: true, outcome: { status: thread.status, now: now() } };
  });
  return held !== "busy" && held !== "missing";
}

/** One pass over the matching threads; a `values` filter is applied to the copy of the values each thread keeps. */
export async function countThreads(
  p: Platform,
  body: z.infer<typeof ThreadCountBody>,
  auth?: AuthFilters,
): Promise<number> {
  let total = 0;
  const filters = {
    metadata: body.metadata ?? undefined,
    values: body.values ?? undefined,
    status: body.status ?? undefined,
    auth,
  };
  for await (const _thread of p.threads.all({ ...filters, sortBy: "created_at", sortOrder: "desc" })) total++;
  return total;
}

/** `auth`: the filters of the `threads:search` handler (custom auth), which every thread listed must match. */
export async function searchThreads(
  p: Platform,
  body: z.infer<typeof ThreadSearchBody>,
  auth?: AuthFilters,
): Promise<Thread[]> {
  return p.threads.search({
    auth,
    metadata: body.metadata ?? undefined,
    values: body.values ?? undefined,
    status: body.status ?? undefined,
    ids: body.ids ?? undefined,
    limit: body.limit ?? 10,
    offset: body.offset ?? 0,
    sortBy: body.sort_by === "updated_at" ? "updated_at" : "created_at",
    sortOrder: body.sort_order ?? "desc",
  });
}
