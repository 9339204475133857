/**
 * The items of one putWrites call (keys: ./keys.ts `wr#`): its regular writes together in one item, under the first
 * one's index, and each special write (an error, interrupt or resume: a negative index) in an item of its own.
 * Regular writes are kept as first written (a retried task must not replace them), special ones are replaced by the
 * latest: the saver writes the first kind only if absent.
 */
import { WRITES_IDX_MAP, type PendingWrite } from "@langchain/langgraph-checkpoint";
import { writeSk } from "./keys.js";
import { payloadItems, type Part } from "./payload.js";
import type { Item } from "./table.js";

export interface WritesOf {
  threadId: string;
  ns: string;
  checkpointId: string;
  taskId: string;
  taskPath?: string;
  expiresAt: number | undefined;
}

export async function pendingWriteItems(
  dump: (name: string, value: unknown) => Promise<Part>,
  of: WritesOf,
  writes: PendingWrite[],
): Promise<{ regular?: Item[]; special: Item[][] }> {
  const attributes = { task_id: of.taskId, task_path: of.taskPath ?? "" };
  const items = (idx: number, parts: Part[]) =>
    payloadItems(
      { pk: of.threadId, sk: writeSk(of.ns, of.checkpointId, of.taskId, idx) },
      parts,
      attributes,
      of.expiresAt,
    );
  const regular: Part[] = [];
  const special: Item[][] = [];
  let firstRegular: number | undefined;
  for (const [i, [channel, value]] of writes.entries()) {
    const idx = WRITES_IDX_MAP[channel] ?? i;
    const part = await dump(`${idx}:${channel}`, value);
    if (idx < 0) special.push(items(idx, [part]));
    else {
      firstRegular ??= idx;
      regular.push(part);
    }
  }
  return { regular: firstRegular === undefined ? undefined : items(firstRegular, regular), special };
}
