/** Channel values a checkpoint head does not inline: blob items, and the earlier heads that inline them. */
import { blobSk, headSk } from "./keys.js";
import type { Loc } from "./memory.js";
import { readPayload, type Part } from "./payload.js";
import type { CheckpointTable } from "./table.js";

/** Values that `loc` places in other items: blob items, and the earlier heads that inline them. */
export async function readValuesElsewhere(
  table: CheckpointTable,
  load: (part: Part) => Promise<unknown>,
  threadId: string,
  ns: string,
  selfId: string,
  loc: Loc,
): Promise<Record<string, unknown>> {
  const wanted = Object.entries(loc).filter(([, [, source]]) => source !== selfId);
  if (wanted.length === 0) return {};
  const skOf = (channel: string, [version, source]: Loc[string]) =>
    source === "" ? blobSk(ns, channel, version) : headSk(ns, source);
  const sks = new Set(wanted.map(([channel, where]) => skOf(channel, where)));
  const items = new Map((await table.batchGet(threadId, [...sks])).map((item) => [item.sk as string, item]));
  const partsBySk = new Map<string, Promise<Part[]>>();
  const partsOf = (sk: string) => {
    if (!partsBySk.has(sk)) partsBySk.set(sk, readPayload(table, items.get(sk)!));
    return partsBySk.get(sk)!;
  };
  const values: Record<string, unknown> = {};
  await Promise.all(
    wanted.map(async ([channel, where]) => {
      const sk = skOf(channel, where);
      if (!items.has(sk)) return; // expired or deleted: the channel reads as empty, as with any official saver
      const part = (await partsOf(sk)).find((p) => p.name === (where[1] === "" ? "value" : `v:${channel}`));
      if (part) values[channel] = await load(part);
    }),
  );
  return values;
}
