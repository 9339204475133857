/**
 * One owner's thread search under custom auth, at scale: what DynamoDB reads for the first page of one owner's
 * threads, with many owners' threads stored (`npx tsx bench/owner-search.ts [threads] [owners]`, default 100,000
 * threads of 1,000 owners, 100 each, seeded with BatchWriteItem into embedded dynalite).
 *
 * With the index: the handler's filter `{ owner }` names the thread's scope (lib/auth/scope.ts), and the search reads
 * that scope's partition of the sparse `by_scope` index. Without it: the same owner filtered out of the listing
 * shards of `by_created` / `by_updated` (what the search would do with no scope; a metadata filter does it today),
 * reading newest first until the page fills: about page × owners items, and the whole table to count.
 */
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { authScopeOf } from "../lib/auth/scope.js";
import { createDocumentClient } from "../lib/dynamo/client.js";
import { startEmbeddedDynamo } from "../lib/dynamo/embedded.js";
import { RequestMeter, type MeterReading } from "../lib/dynamo/request-meter.js";
import { uuid7 } from "../lib/ids.js";
import type { ThreadSearch } from "../lib/stores/thread-search.js";
import { ThreadStore, newThread } from "../lib/stores/thread-store.js";
import { ensureTables } from "../lib/tables/create.js";
import { THREAD_LIST_SHARDS, tableNamesWithPrefix } from "../lib/tables/definitions.js";

const count = Number(process.argv[2] ?? 100_000);
const owners = Number(process.argv[3] ?? 1_000);
const PAGE = 10; // the SDK's default limit
const REPEATS = 3;

const dynamo = await startEmbeddedDynamo();
const client = createDocumentClient({ endpoint: dynamo.endpoint });
const tables = tableNamesWithPrefix("bench");
await ensureTables(client, tables);
const store = new ThreadStore(client, tables.threads);
const ownerOf = (n: number) => `user-${n % owners}`;

const seeding = Date.now();
const base = Date.parse("2026-01-01T00:00:00Z");
let next = 0;
await Promise.all(
  Array.from({ length: 8 }, async () => {
    while (next < count) {
      const batch = [];
      for (let i = 0; i < 25 && next < count; i++, next++) {
        const at = new Date(base + next * 1000).toISOString();
        const metadata = { owner: ownerOf(next), n: next };
        const scope = authScopeOf({ owner: ownerOf(next) }, metadata);
        const thread = { ...newThread(uuid7(), metadata), created_at: at, updated_at: at, auth_scope: scope };
        batch.push({ PutRequest: { Item: ThreadStore.toItem(thread) } });
      }
      await client.send(new BatchWriteCommand({ RequestItems: { [tables.threads]: batch } }));
    }
  }),
);
console.log(
  `seeded ${count} threads of ${owners} owners (${count / owners} each) in ${((Date.now() - seeding) / 1000).toFixed(0)} s; ` +
    `${THREAD_LIST_SHARDS} listing shards`,
);

const meter = new RequestMeter().attach(client);
const owner = ownerOf(count - 1); // the owner of the newest thread, so both paths find a match early
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function measure(label: string, run: () => Promise<number>, repeats = REPEATS): Promise<void> {
  let reading: MeterReading | undefined;
  let found = 0;
  const ms: number[] = [];
  for (let i = 0; i < repeats; i++) {
    meter.take();
    const t = performance.now();
    found = await run();
    ms.push(performance.now() - t);
    reading = meter.take();
  }
  console.log(
    `${label.padEnd(44)} ${String(found).padStart(4)} found  ${String(reading!.itemsRead).padStart(6)} items read  ` +
      `${reading!.readUnits.toFixed(1).padStart(7)} read units  ${String(reading!.requests).padStart(4)} requests  ` +
      `${median(ms).toFixed(0).padStart(6)} ms (median of ${repeats})`,
  );
}

const page = (sortBy: ThreadSearch["sortBy"], filter: Pick<ThreadSearch, "auth" | "metadata">) => () =>
  store.search({ limit: PAGE, offset: 0, sortBy, sortOrder: "desc", ...filter }).then((t) => t.length);
const counted = (filter: Pick<ThreadSearch, "auth" | "metadata">) => async () => {
  let n = 0;
  for await (const _ of store.all({ sortBy: "created_at", sortOrder: "desc", ...filter })) n++;
  return n;
};

console.log(`one owner (${owner}): first page of ${PAGE}, and count`);
for (const sortBy of ["created_at", "updated_at"] as const) {
  await measure(`page by ${sortBy}, by_scope index`, page(sortBy, { auth: { owner } }));
  await measure(`page by ${sortBy}, listing shards + filter`, page(sortBy, { metadata: { owner } }));
}
await measure("count, by_scope index", counted({ auth: { owner } }));
await measure("count, listing shards + filter", counted({ metadata: { owner } }), 1);

client.destroy();
await dynamo.close();
