/**
 * Where a put stores each channel value of a checkpoint (the head's `loc`, ./keys.ts): a value that did not change
 * stays where the parent found it (unless it is about to expire); a changed small one rides in the head's payload;
 * a large one gets a blob item of its own, once per version.
 */
import type { ChannelVersions, Checkpoint } from "@langchain/langgraph-checkpoint";
import { blobSk } from "./keys.js";
import type { Loc } from "./memory.js";
import { payloadItems, type Part } from "./payload.js";
import type { Item } from "./table.js";

/** A channel value whose serialized size reaches this is stored once per version, outside the head. */
export const BLOB_MIN_BYTES = 8 * 1024;

export interface ChannelsToStore {
  threadId: string;
  ns: string;
  /** The checkpoint without its channel values, */
  checkpoint: Checkpoint;
  /** ... which are these. */
  values: Record<string, unknown>;
  newVersions: ChannelVersions;
  parentLoc: Loc;
  expiresAt: number | undefined;
  expiresSoon: (expiresAt: number) => boolean;
  dump: (name: string, value: unknown) => Promise<Part>;
}

/** The head's value parts, its `loc`, and the blob items (each a list from payloadItems) to write before it. */
export async function channelItems(c: ChannelsToStore): Promise<{ parts: Part[]; loc: Loc; blobs: Item[][] }> {
  const parts: Part[] = [];
  const loc: Loc = {};
  const blobs: Item[][] = [];
  for (const [channel, value] of Object.entries(c.values)) {
    if (value === undefined) continue;
    const version = String(c.checkpoint.channel_versions[channel] ?? "");
    const previous = c.parentLoc[channel];
    if (!(channel in c.newVersions)) {
      // Unchanged: the value is where the parent found it — unless it is about to expire, then store it afresh.
      if (!previous || previous[0] !== version) continue;
      if (!c.expiresSoon(previous[2])) {
        loc[channel] = previous;
        continue;
      }
    }
    const part = await c.dump(`v:${channel}`, value);
    if (part.bytes.byteLength < BLOB_MIN_BYTES) {
      parts.push(part);
      loc[channel] = [version, c.checkpoint.id, c.expiresAt ?? 0];
    } else {
      const key = { pk: c.threadId, sk: blobSk(c.ns, channel, version) };
      blobs.push(payloadItems(key, [{ ...part, name: "value" }], {}, c.expiresAt));
      loc[channel] = [version, "", c.expiresAt ?? 0];
    }
  }
  return { parts, loc, blobs };
}
