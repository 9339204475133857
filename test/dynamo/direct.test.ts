import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocumentClient } from "../../lib/dynamo/client.js";
import { startEmbeddedDynamo, type EmbeddedDynamo } from "../../lib/dynamo/embedded.js";
import { httpDispatch } from "../../lib/dynamo/http-dispatch.js";
import { inProcessRequestHandler } from "../../lib/dynamo/in-process.js";
import { isItemSizeRefusal } from "../../lib/dynamo/limits.js";
import { ensureTables } from "../../lib/tables/create.js";
import { tableNamesWithPrefix } from "../../lib/tables/definitions.js";

const tables = tableNamesWithPrefix("direct");
const key = (pk: string, i: number) => ({ pk, sk: `s${i}` });

/** Every answer (and error) a sequence of document commands gets, on partition `pk`, without $metadata. */
async function answers(client: DynamoDBDocumentClient, pk: string) {
  const TableName = tables.store;
  const out: unknown[] = [];
  const failure = (e: Error & { $fault?: string; $metadata?: { httpStatusCode?: number } }) => ({
    name: e.name,
    message: e.message,
    fault: e.$fault,
    status: e.$metadata?.httpStatusCode,
    conditional: e instanceof ConditionalCheckFailedException,
    itemSize: isItemSizeRefusal(e),
  });
  const send = (command: unknown) =>
    client.send(command as never).then(
      (o) => out.push({ ...(o as object), $metadata: undefined }),
      (e) => out.push(failure(e)),
    );
  const item = {
    ...key(pk, 1),
    bin: new Uint8Array([0, 1, 250]),
    set: new Set(["a", "b"]),
    n: 1.5,
    nested: { l: [1, null, "x", { b: Buffer.from("hi") }], gone: undefined, empty: "" },
  };
  await send(new PutCommand({ TableName, Item: item }));
  await send(new GetCommand({ TableName, Key: key(pk, 1) }));
  await send(new PutCommand({ TableName, Item: key(pk, 1), ConditionExpression: "attribute_not_exists(pk)" }));
  await send(new GetCommand({ TableName: "direct-no-such-table", Key: key(pk, 1) }));
  await send(new PutCommand({ TableName, Item: { ...key(pk, 9), big: "x".repeat(500_000) } }));
  await send(new UpdateCommand({ TableName, Key: key(pk, 1), UpdateExpression: "SET #bad = :v" }));
  const puts = [2, 3, 4].map((i) => ({ PutRequest: { Item: { ...key(pk, i), v: i } } }));
  await send(new BatchWriteCommand({ RequestItems: { [TableName]: puts } }));
  const query = { TableName, KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": pk }, Limit: 2 };
  await send(new QueryCommand(query));
  await send(new QueryCommand({ ...query, ExclusiveStartKey: key(pk, 2) }));
  await send(
    new UpdateCommand({
      TableName,
      Key: key(pk, 2),
      UpdateExpression: "SET v = v + :one, tags = :tags",
      ExpressionAttributeValues: { ":one": 1, ":tags": new Set([1, 2]) },
      ReturnValues: "ALL_NEW",
    }),
  );
  await send(
    new UpdateCommand({
      TableName,
      Key: key(pk, 4),
      UpdateExpression: "SET #v = :v",
      ConditionExpression: "#v < :v",
      ExpressionAttributeNames: { "#v": "v", "#unset": undefined },
      ExpressionAttributeValues: { ":v": 1 },
    } as never),
  );
  await send(new BatchGetCommand({ RequestItems: { [TableName]: { Keys: [key(pk, 3)] } } }));
  await send(new DeleteCommand({ TableName, Key: key(pk, 3), ReturnValues: "ALL_OLD" }));
  return out;
}

describe("the in-process document client's direct path", () => {
  let dynamo: EmbeddedDynamo;
  let direct: DynamoDBDocumentClient;
  let sdk: DynamoDBDocumentClient;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    direct = createDocumentClient(dynamo.connection);
    sdk = createDocumentClient({ endpoint: dynamo.endpoint });
    await ensureTables(sdk, tables);
  });
  afterAll(async () => {
    direct.destroy();
    sdk.destroy();
    await dynamo.close();
  });

  it("answers and fails as the SDK does over HTTP", async () => {
    const viaDirect = await answers(direct, "d");
    const viaSdk = await answers(sdk, "s");
    const samePartition = (xs: unknown[], pk: string) =>
      JSON.parse(JSON.stringify(xs, (_, v) => (v === pk ? "pk" : v instanceof Set ? [...v] : v)));
    expect(samePartition(viaDirect, "d")).toEqual(samePartition(viaSdk, "s"));
    expect(viaDirect[1]).toMatchObject({ Item: { bin: new Uint8Array([0, 1, 250]), set: new Set(["a", "b"]) } });
    expect(viaDirect[2]).toMatchObject({ conditional: true, status: 400, fault: "client" });
    expect(viaDirect[4]).toMatchObject({ itemSize: true });
  });

  it("answers and fails as the SDK does from another process, unsigned over HTTP (--topology aws functions)", async () => {
    const dispatch = httpDispatch(dynamo.endpoint);
    const overHttp = createDocumentClient({ requestHandler: inProcessRequestHandler(dispatch) });
    try {
      const viaHttp = await answers(overHttp, "h");
      const viaSdk = await answers(sdk, "t");
      const samePartition = (xs: unknown[], pk: string) =>
        JSON.parse(JSON.stringify(xs, (_, v) => (v === pk ? "pk" : v instanceof Set ? [...v] : v)));
      expect(samePartition(viaHttp, "h")).toEqual(samePartition(viaSdk, "t"));
      expect(viaHttp[2]).toMatchObject({ conditional: true, status: 400, fault: "client" });
    } finally {
      dispatch.destroy();
    }
  });
});
