/** Threads: create, read, patch, delete, search. */
import { HttpError } from "../http/errors.js";
import { uuid7 } from "../ids.js";
import { now, type Platform } from "../platform.js";
import type { z } from "zod";
import type { ThreadCreateBody, ThreadSearchBody } from "../schemas/threads.js";
import { newThread, type Thread } from "../stores/thread-store.js";
import { cancelRun } from "./runs.js";

/** The API object: the stored thread without the lock bookkeeping. */
export function publicThread(thread: Thread): Omit<Thread, "active_run"> {
  const { active_run: _lock, ...rest } = thread;
  return rest;
}

export async function createThread(p: Platform, body: ThreadCreateBody): Promise<Thread> {
  const thread = newThread(body.thread_id ?? uuid7(), body.metadata ?? {});
  if (await p.threads.create(thread)) return thread;
  if (body.if_exists === "do_nothing") return (await p.threads.get(thread.thread_id))!;
  throw new HttpError(409, "Thread already exists");
}

export async function getThreadOr404(p: Platform, threadId: string): Promise<Thread> {
  const thread = await p.threads.get(threadId);
  if (!thread) throw new HttpError(404, "Thread not found");
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
  await p.runs.deleteAll(threadId);
  await p.checkpointer.deleteThread(threadId);
}

export async function searchThreads(p: Platform, body: z.infer<typeof ThreadSearchBody>): Promise<Thread[]> {
  const threads = await p.threads.search({
    metadata: body.metadata ?? undefined,
    status: body.status ?? undefined,
    ids: body.ids ?? undefined,
    limit: body.limit ?? 10,
    offset: body.offset ?? 0,
    sortBy: body.sort_by === "updated_at" ? "updated_at" : "created_at",
    sortOrder: body.sort_order ?? "desc",
  });
  const values = body.values;
  return values
    ? threads.filter((t) => Object.entries(values).every(([k, v]) => JSON.stringify(t.values?.[k]) === JSON.stringify(v)))
    : threads;
}
