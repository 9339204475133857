/**
 * Thread search at scale: how many items DynamoDB reads, and in how many Queries, for a page of 20 "latest threads",
 * with 100k threads stored (`npx tsx bench/thread-search.ts [count]`). The page comes from the by_updated (or
 * by_created) index, whose partition key is sharded over THREAD_LIST_SHARDS partitions: each shard is queried for
 * about its share of the page and the shards are merged, so the read count stays bounded whatever the table holds.
 */
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient } from "../lib/dynamo/client.js";
import { startEmbeddedDynamo } from "../lib/dynamo/embedded.js";
import { RequestMeter } from "../lib/dynamo/request-meter.js";
import { uuid7 } from "../lib/ids.js";
import { ThreadStore, newThread } from "../lib/stores/thread-store.js";
import { ensureTables } from "../lib/tables/create.js";
import { THREAD_LIST_SHARDS, tableNamesWithPrefix } from "../lib/tables/definitions.js";

const count = Number(process.argv[2] ?? 100_000);
const dynamo = await startEmbeddedDynamo();
const client = createDocumentClient({ endpoint: dynamo.endpoint });
const tables = tableNamesWithPrefix("bench");
await ensureTables(client, tables);
const store = new ThreadStore(client, tables.threads);

const started = Date.now();
const base = Date.parse("2026-01-01T00:00:00Z");
const writers = 8;
let next = 0;
await Promise.all(
  Array.from({ length: writers }, async () => {
    while (next < count) {
      const batch = [];
      for (let i = 0; i < 25 && next < count; i++, next++) {
        const at = new Date(base + next * 1000).toISOString();
        const thread = { ...newThread(uuid7(), { n: next }), created_at: at, updated_at: at };
        batch.push({ PutRequest: { Item: ThreadStore.toItem(thread) } });
      }
      await client.send(new BatchWriteCommand({ RequestItems: { [tables.threads]: batch } }));
    }
  }),
);
console.log(`stored ${count} threads in ${((Date.now() - started) / 1000).toFixed(1)} s`);

const meter = new RequestMeter().attach(client);
console.log(`${THREAD_LIST_SHARDS} listing shards`);
for (const sortBy of ["updated_at", "created_at"] as const) {
  for (const offset of [0, 20, 200]) {
    meter.take();
    const page = await store.search({ limit: 20, offset, sortBy, sortOrder: "desc" });
    const reading = meter.take();
    console.log(
      `page of 20 at offset ${offset} by ${sortBy}: ${page.length} threads, ${reading.byOperation.Query ?? 0} Queries, ` +
        `${reading.itemsRead} items read, ${reading.readUnits} read units, newest n=${(page[0]?.metadata as { n: number }).n}`,
    );
  }
}
meter.take();
const filtered = await store.search({
  limit: 20,
  offset: 0,
  sortBy: "updated_at",
  sortOrder: "desc",
  metadata: { n: count - 30 },
});
const r = meter.take();
console.log(
  `metadata filter matching one recent thread: ${filtered.length} found, ${r.itemsRead} items read (filters read until the page fills)`,
);
client.destroy();
await dynamo.close();
