/**
 * The price of one DynamoDB round trip between processes, as `npm start -- --topology aws` pays it before a
 * foreground run's graph starts: the embedded dynalite in this process (as the CLI's), a client in a child process
 * reaching it as the API function does (the document client's direct path over kept-alive loopback HTTP,
 * lib/dynamo/http-dispatch.ts). Each sample is one GetItem, or four requests sent at once (a GetItem, a PutItem, a
 * conditional UpdateItem and a one-item Query, the shape of a foreground run's one round trip); taken back to back,
 * then with the processes left idle for a while before each sample, as between a user's messages. The same four in
 * process (`npm start`'s path) for comparison. Medians and p90; no assertions.
 *
 *   npx tsx bench/emulator-hop.ts [--samples 300] [--idle 5,20]
 */
import { fork } from "node:child_process";
import { parseArgs } from "node:util";
import { CreateTableCommand } from "@aws-sdk/client-dynamodb";
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import { createDocumentClient } from "../lib/dynamo/client.js";
import { startEmbeddedDynamo } from "../lib/dynamo/embedded.js";
import { httpDispatch } from "../lib/dynamo/http-dispatch.js";
import { inProcessRequestHandler } from "../lib/dynamo/in-process.js";
import { median, percentile } from "./measures.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const TABLE = "hop";
/** The thread item's version, which each conditional update raises (a child process goes on from its start time). */
let version = Date.now() * 1000;
const { values } = parseArgs({
  options: { samples: { type: "string", default: "300" }, idle: { type: "string", default: "5,20" } },
  allowPositionals: true,
});
const SAMPLES = Number(values.samples);

const getItem = (doc: DynamoDBDocumentClient) =>
  doc.send(new GetCommand({ TableName: TABLE, Key: { pk: "a", sk: "a" } }));
const fourAtOnce = (doc: DynamoDBDocumentClient, i: number) =>
  Promise.all([
    getItem(doc),
    doc.send(new PutCommand({ TableName: TABLE, Item: { pk: "run", sk: String(i), kwargs: "{}".padEnd(800, " ") } })),
    doc.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk: "thread", sk: "t" },
        UpdateExpression: "SET #s = :s, n = :n",
        ConditionExpression: "attribute_not_exists(n) OR n < :n",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":s": "busy", ":n": ++version },
      }),
    ),
    doc.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: "pk = :p",
        ExpressionAttributeValues: { ":p": "checkpoints" },
        ScanIndexForward: false,
        Limit: 1,
      }),
    ),
  ]);

/** Milliseconds per sample: `warm` back to back, else after `idleMs` with nothing to do. */
async function measure(doc: DynamoDBDocumentClient, call: (i: number) => Promise<unknown>, idleMs: number) {
  for (let i = 0; i < 30; i++) await call(i);
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    if (idleMs) await new Promise((r) => setTimeout(r, idleMs));
    const t0 = performance.now();
    await call(i);
    times.push(performance.now() - t0);
  }
  return `${median(times).toFixed(2)} / ${percentile(times, 90).toFixed(2)} ms`;
}

const idles = [0, ...values.idle.split(",").map(Number)];
if (process.argv[2] === "child") {
  const doc = createDocumentClient({ requestHandler: inProcessRequestHandler(httpDispatch(process.argv[3])) });
  const rows: string[] = [];
  for (const idle of idles) {
    rows.push(
      `| another process, ${idle ? `after ${idle} ms idle` : "back to back"} | ${await measure(doc, () => getItem(doc), idle)} | ${await measure(doc, (i) => fourAtOnce(doc, i), idle)} |`,
    );
  }
  process.send!(rows);
  process.exit(0);
}

const dynamo = await startEmbeddedDynamo();
const doc = createDocumentClient(dynamo.connection);
await doc.send(
  new CreateTableCommand({
    TableName: TABLE,
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "S" },
    ],
    BillingMode: "PAY_PER_REQUEST",
  }) as never,
);
for (;;) {
  try {
    await doc.send(new PutCommand({ TableName: TABLE, Item: { pk: "a", sk: "a", text: "hello" } }));
    break;
  } catch (err) {
    if ((err as Error).name !== "ResourceNotFoundException") throw err;
    await new Promise((r) => setTimeout(r, 20)); // the table is still being created
  }
}
console.log("| DynamoDB calls from | one GetItem, p50 / p90 | four at once, p50 / p90 |");
console.log("|---|---|---|");
for (const idle of idles)
  console.log(
    `| this process (in process), ${idle ? `after ${idle} ms idle` : "back to back"} | ${await measure(doc, () => getItem(doc), idle)} | ${await measure(doc, (i) => fourAtOnce(doc, i), idle)} |`,
  );
const child = fork(import.meta.filename, ["child", dynamo.endpoint], { execArgv: ["--import", "tsx"] });
const rows = await new Promise<string[]>((resolve) => child.once("message", (m) => resolve(m as string[])));
for (const row of rows) console.log(row);
await dynamo.close();
process.exit(0);
