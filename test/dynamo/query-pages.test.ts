import { BatchWriteCommand, QueryCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocumentClient } from "../../lib/dynamo/client.js";
import { startEmbeddedDynamo, type EmbeddedDynamo } from "../../lib/dynamo/embedded.js";
import { ensureTables } from "../../lib/tables/create.js";
import { tableNamesWithPrefix } from "../../lib/tables/definitions.js";

const tables = tableNamesWithPrefix("querypages");
const TableName = tables.store;
const sk = (i: number) => `s${String(i).padStart(3, "0")}`;

/** What a Query answers, as DynamoDB pages it: the embedded database (read in batches, lib/dynamo/dynalite-query.ts). */
describe("Query pages on the embedded database", () => {
  let dynamo: EmbeddedDynamo;
  let client: DynamoDBDocumentClient;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    client = createDocumentClient(dynamo.connection);
    await ensureTables(client, tables);
    const put = async (pk: string, items: Record<string, unknown>[]) => {
      for (let i = 0; i < items.length; i += 25) {
        const RequestItems = {
          [TableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item: { pk, ...Item } } })),
        };
        await client.send(new BatchWriteCommand({ RequestItems }));
      }
    };
    await put(
      "small",
      [1, 2, 3, 4, 5, 6, 7].map((i) => ({ sk: sk(i), n: i, even: i % 2 === 0, extra: "x" })),
    );
    // 300 items of about 5 KB: more than one 1 MB page.
    await put(
      "big",
      Array.from({ length: 300 }, (_, i) => ({ sk: sk(i), blob: "b".repeat(5000) })),
    );
  });
  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });

  const query = (input: Record<string, unknown>) =>
    client.send(
      new QueryCommand({
        TableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": "small" },
        ...input,
      } as never),
    );

  it("takes Limit items in key order, either way, and says where the page ended", async () => {
    const first = await query({ Limit: 3 });
    expect(first.Items?.map((i) => i.n)).toEqual([1, 2, 3]);
    expect(first).toMatchObject({ Count: 3, ScannedCount: 3, LastEvaluatedKey: { pk: "small", sk: sk(3) } });
    const next = await query({ Limit: 3, ExclusiveStartKey: first.LastEvaluatedKey });
    expect(next.Items?.map((i) => i.n)).toEqual([4, 5, 6]);
    const newest = await query({ Limit: 2, ScanIndexForward: false });
    expect(newest.Items?.map((i) => i.n)).toEqual([7, 6]);
    expect(newest.LastEvaluatedKey).toEqual({ pk: "small", sk: sk(6) });
    // A page of exactly the items left still names its end; the one after is empty and does not.
    const rest = await query({ Limit: 1, ExclusiveStartKey: { pk: "small", sk: sk(6) } });
    expect(rest).toMatchObject({ Count: 1, LastEvaluatedKey: { pk: "small", sk: sk(7) } });
    const none = await query({ Limit: 1, ExclusiveStartKey: { pk: "small", sk: sk(7) } });
    expect(none).toMatchObject({ Count: 0, ScannedCount: 0, Items: [] });
    expect(none.LastEvaluatedKey).toBeUndefined();
    const all = await query({});
    expect(all.Items?.map((i) => i.n)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(all.LastEvaluatedKey).toBeUndefined();
  });

  it("filters after the Limit, projects, counts and reads a range of sort keys", async () => {
    const filtered = await query({
      Limit: 4,
      FilterExpression: "even = :t",
      ExpressionAttributeValues: { ":pk": "small", ":t": true },
    });
    expect(filtered.Items?.map((i) => i.n)).toEqual([2, 4]);
    expect(filtered).toMatchObject({ Count: 2, ScannedCount: 4, LastEvaluatedKey: { sk: sk(4) } });
    const projected = await query({ Limit: 1, ProjectionExpression: "n" });
    expect(projected.Items).toEqual([{ n: 1 }]);
    const counted = await query({ Select: "COUNT" });
    expect(counted).toMatchObject({ Count: 7, ScannedCount: 7 });
    expect(counted.Items).toBeUndefined();
    const between = await query({
      KeyConditionExpression: "pk = :pk AND sk BETWEEN :lo AND :hi",
      ExpressionAttributeValues: { ":pk": "small", ":lo": sk(3), ":hi": sk(5) },
      ScanIndexForward: false,
      ReturnConsumedCapacity: "TOTAL",
    });
    expect(between.Items?.map((i) => i.n)).toEqual([5, 4, 3]);
    expect(between.ConsumedCapacity).toMatchObject({ TableName, CapacityUnits: expect.any(Number) });
  });

  it("ends a page at 1 MB, and the pages together hold every item once, in order", async () => {
    const seen: string[] = [];
    let start: Record<string, unknown> | undefined;
    let pages = 0;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": "big" },
          ExclusiveStartKey: start,
        }),
      );
      seen.push(...(page.Items ?? []).map((i) => i.sk as string));
      start = page.LastEvaluatedKey;
      pages++;
    } while (start);
    expect(pages).toBeGreaterThan(1);
    expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => sk(i)));
  });
});
