import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocumentClient } from "../../lib/dynamo/client.js";
import { startEmbeddedDynamo, type EmbeddedDynamo } from "../../lib/dynamo/embedded.js";
import { ensureTables } from "../../lib/tables/create.js";
import { tableNamesWithPrefix } from "../../lib/tables/definitions.js";

const tables = tableNamesWithPrefix("embedded");
const key = (id: string) => ({ pk: `kv#${id}`, sk: "v" });

/** The headers of every request the client sends, as they leave it (after signing). */
function sentHeaders(client: DynamoDBDocumentClient): Record<string, string>[] {
  const seen: Record<string, string>[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      seen.push({ ...(args.request as { headers: Record<string, string> }).headers });
      return next(args);
    },
    { step: "deserialize", name: "sentHeaders" },
  );
  return seen;
}

describe("the embedded dynalite", () => {
  let dynamo: EmbeddedDynamo;
  let inProcess: DynamoDBDocumentClient;
  let http: DynamoDBDocumentClient;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo();
    inProcess = createDocumentClient(dynamo.connection);
    http = createDocumentClient({ endpoint: dynamo.endpoint });
    await ensureTables(inProcess, tables);
  });
  afterAll(async () => {
    inProcess.destroy();
    http.destroy();
    await dynamo.close();
  });

  it("answers this process in process, unsigned", async () => {
    // Amazon's DynamoDB Local is reached over HTTP, and so is dynalite when asked to (for comparisons).
    if (dynamo.engine !== "dynalite" || process.env.LAMBDAGRAPH_DYNAMO_TRANSPORT === "http") return;
    const seen = sentHeaders(inProcess);
    await inProcess.send(new GetCommand({ TableName: tables.store, Key: key("nothing") }));
    expect(seen).toHaveLength(1);
    expect(seen[0].authorization).toBeUndefined();
    expect(dynamo.connection.requestHandler).toBeDefined();
  });

  it("is one database, in process and over HTTP", async () => {
    await inProcess.send(new PutCommand({ TableName: tables.store, Item: { ...key("a"), value: { n: 1, s: "é" } } }));
    await http.send(new PutCommand({ TableName: tables.store, Item: { ...key("b"), value: [1, "two"] } }));
    for (const client of [inProcess, http]) {
      expect((await client.send(new GetCommand({ TableName: tables.store, Key: key("a") }))).Item?.value).toEqual({
        n: 1,
        s: "é",
      });
      expect((await client.send(new GetCommand({ TableName: tables.store, Key: key("b") }))).Item?.value).toEqual([
        1,
        "two",
      ]);
    }
  });

  it("gives the same errors in process as over HTTP", async () => {
    const failure = async (client: DynamoDBDocumentClient) => {
      const err = await client
        .send(
          new PutCommand({
            TableName: tables.store,
            Item: { ...key("a"), value: 2 },
            ConditionExpression: "attribute_not_exists(pk)",
          }),
        )
        .catch((e: Error & { $metadata?: { httpStatusCode?: number } }) => e);
      return {
        name: (err as Error).name,
        status: (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode,
      };
    };
    expect(await failure(inProcess)).toEqual({ name: "ConditionalCheckFailedException", status: 400 });
    expect(await failure(http)).toEqual(await failure(inProcess));
    const missing = (client: DynamoDBDocumentClient) =>
      client.send(new GetCommand({ TableName: "no-such-table", Key: key("a") })).catch((e: Error) => e.name);
    expect(await missing(inProcess)).toBe("ResourceNotFoundException");
    expect(await missing(http)).toBe("ResourceNotFoundException");
  });
});

describe("the embedded dynalite on disk", () => {
  it("keeps what was written in process across a restart", async () => {
    const path = mkdtempSync(join(tmpdir(), "lg-embedded-"));
    try {
      for (const round of [1, 2]) {
        const dynamo = await startEmbeddedDynamo({ path });
        const client = createDocumentClient(dynamo.connection);
        await ensureTables(client, tables);
        if (round === 1)
          await client.send(new PutCommand({ TableName: tables.store, Item: { ...key("kept"), value: 1 } }));
        else
          expect((await client.send(new GetCommand({ TableName: tables.store, Key: key("kept") }))).Item?.value).toBe(
            1,
          );
        client.destroy();
        await dynamo.close();
      }
    } finally {
      rmSync(path, { recursive: true, force: true });
    }
  });
});
