/**
 * POST /internal/truncate under `npm start`: what suites written against `langgraph dev` call between tests.
 * As on the official server: `runs` drops every run (and, here, its stream events), `threads` every thread,
 * `assistants` every assistant but the graphs' default ones (kept as they are, not recreated if deleted),
 * `checkpointer` every checkpoint, `store` every store item. Crons are left alone, as there.
 * It empties whole tables (a Scan of the keys, then batched deletes), which is why it exists only locally.
 */
import { paginateScan, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
import { batchWrite } from "../dynamo/batch.js";
import { TABLES, type TableId, type TableNames } from "../tables/definitions.js";

export const TruncateFlags = z.object({
  runs: z.boolean().optional(),
  threads: z.boolean().optional(),
  assistants: z.boolean().optional(),
  checkpointer: z.boolean().optional(),
  store: z.boolean().optional(),
});
export type TruncateFlags = z.infer<typeof TruncateFlags>;

/** The truncate operation over these tables; `keepAssistant` says which assistant ids survive. */
export function truncator(
  client: DynamoDBDocumentClient,
  tables: TableNames,
  keepAssistant: (assistantId: string) => boolean,
): (flags: TruncateFlags) => Promise<void> {
  const empty = (id: TableId, keep: (pk: string) => boolean = () => false) => emptyTable(client, tables[id], id, keep);
  return async (flags) => {
    const work: Promise<void>[] = [];
    if (flags.runs) work.push(empty("runs"), empty("events"));
    if (flags.threads) work.push(empty("threads"));
    if (flags.assistants) work.push(empty("assistants", keepAssistant));
    if (flags.checkpointer) work.push(empty("checkpoints"));
    if (flags.store) work.push(empty("store"));
    await Promise.all(work);
  };
}

async function emptyTable(
  client: DynamoDBDocumentClient,
  table: string,
  id: TableId,
  keep: (pk: string) => boolean,
): Promise<void> {
  const pkName = TABLES[id].partitionKey.name;
  const skName = TABLES[id].sortKey?.name;
  const keyNames = skName ? [pkName, skName] : [pkName];
  const pages = paginateScan(
    { client },
    {
      TableName: table,
      ProjectionExpression: keyNames.map((_, i) => `#k${i}`).join(", "),
      ExpressionAttributeNames: Object.fromEntries(keyNames.map((name, i) => [`#k${i}`, name])),
    },
  );
  for await (const page of pages) {
    const deletes = (page.Items ?? [])
      .filter((item) => !keep(String(item[pkName])))
      .map((item) => ({ DeleteRequest: { Key: Object.fromEntries(keyNames.map((name) => [name, item[name]])) } }));
    await batchWrite(client, table, deletes);
  }
}
