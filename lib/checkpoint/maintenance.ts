/**
 * Maintenance of a thread's checkpoints beyond the saver contract: copy (POST /threads/{id}/copy), prune to the
 * latest (POST /threads/prune), patch the latest metadata (PATCH /threads/{id}/state) and roll back a run
 * (multitask "rollback"). Each works through the saver's own reads and writes plus whole-item copies and deletes.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import type {
  Checkpoint,
  CheckpointListOptions,
  CheckpointMetadata,
  CheckpointTuple,
  ChannelVersions,
  PendingWrite,
} from "@langchain/langgraph-checkpoint";
import { historyOf, isHead, type Key } from "./keys.js";
import type { CheckpointTable } from "./table.js";

/** What maintenance needs of the saver: its reads and writes, fencing a run, and deleting items it caches. */
export interface MaintainedSaver {
  readonly table: CheckpointTable;
  getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined>;
  list(config: RunnableConfig, options?: CheckpointListOptions): AsyncGenerator<CheckpointTuple>;
  put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig>;
  putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string): Promise<void>;
  /** Drops the run's later writes, and resolves when those under way have finished. */
  fence(runId: string): Promise<void>;
  deleteItems(threadId: string, keys: Key[]): Promise<void>;
}

const rootOf = (threadId: string) => ({ configurable: { thread_id: threadId, checkpoint_ns: "" } });

/**
 * Copies every item of a thread (all namespaces, chunks, blobs, pending writes) to another thread id: heads
 * last, so the copy becomes visible only once complete. Checkpoint metadata keeps the source's `thread_id`.
 */
export async function copyThread(table: CheckpointTable, fromThreadId: string, toThreadId: string): Promise<void> {
  const items = await table.queryAll(fromThreadId, "");
  items.sort((a, b) => Number(isHead(String(a.sk))) - Number(isHead(String(b.sk))));
  await table.putAll(items.map((item) => ({ ...item, pk: toThreadId })));
}

/**
 * Prunes the thread's history to its latest root checkpoint: that checkpoint is written again with every
 * channel value (so it no longer points into older heads), then every other head, its chunks and pending
 * writes are deleted, in all namespaces. Blob items stay (unreferenced, they cost storage only until TTL).
 */
export async function keepLatest(saver: MaintainedSaver, threadId: string): Promise<void> {
  const config = rootOf(threadId);
  const latest = await saver.getTuple(config);
  if (!latest) return;
  const before = await saver.table.keysOf(threadId);
  await saver.put(
    config,
    latest.checkpoint,
    latest.metadata ?? ({} as CheckpointMetadata),
    latest.checkpoint.channel_versions,
  );
  await putPendingWrites(saver, latest);
  // Writes of the latest under the earlier keys (./keys.ts) were written again under its head's key.
  const stale = before.filter(({ sk }) => {
    const of = historyOf(sk);
    return of !== undefined && (of.ns !== "" || of.checkpointId !== latest.checkpoint.id || sk.startsWith("wr#"));
  });
  await saver.deleteItems(threadId, stale);
}

/** Merges `patch` into the metadata of the latest root checkpoint (PATCH /threads/{id}/state). False if none. */
export async function patchLatestMetadata(
  saver: MaintainedSaver,
  threadId: string,
  patch: Record<string, unknown>,
): Promise<boolean> {
  const config = rootOf(threadId);
  const latest = await saver.getTuple(config);
  if (!latest) return false;
  // Written again whole (every channel in newVersions): the head replaces itself, so it must not point at itself.
  await saver.put(
    config,
    latest.checkpoint,
    { ...latest.metadata, ...patch } as CheckpointMetadata,
    latest.checkpoint.channel_versions,
  );
  // The head written again says its writes are under its key: those stored under the earlier keys are put there.
  await putPendingWrites(saver, latest);
  return true;
}

/** Puts the pending writes of `tuple` again, task by task, against its checkpoint (a task's first writes are kept). */
async function putPendingWrites(saver: MaintainedSaver, tuple: CheckpointTuple): Promise<void> {
  const byTask = new Map<string, PendingWrite[]>();
  for (const [taskId, channel, value] of tuple.pendingWrites ?? [])
    byTask.set(taskId, [...(byTask.get(taskId) ?? []), [channel, value]]);
  for (const [taskId, writes] of byTask) await saver.putWrites(tuple.config, writes, taskId);
}

/**
 * Rolls the thread back to where it was before run `runId`: deletes every checkpoint the run wrote (they carry
 * its `run_id` in their metadata, and are the thread's newest) and everything newer, in every namespace, with
 * chunks and pending writes. The run is fenced first: writes it still has under way finish, later ones are
 * dropped. Blob items stay (unreferenced, they cost storage only until TTL).
 */
export async function rollback(saver: MaintainedSaver, threadId: string, runId: string): Promise<void> {
  await saver.fence(runId);
  let keepCheckpointId: string | undefined;
  for await (const tuple of saver.list(rootOf(threadId))) {
    if ((tuple.metadata as { run_id?: string } | undefined)?.run_id !== runId) {
      keepCheckpointId = tuple.checkpoint.id;
      break;
    }
  }
  const newer = (await saver.table.keysOf(threadId)).filter(({ sk }) => {
    const of = historyOf(sk);
    return of !== undefined && (keepCheckpointId === undefined || of.checkpointId > keepCheckpointId);
  });
  await saver.deleteItems(threadId, newer);
}
