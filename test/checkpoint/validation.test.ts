/**
 * The official LangGraph checkpointer validation suite (@langchain/langgraph-checkpoint-validation),
 * run against DynamoDBSaver on the embedded DynamoDB through the real AWS SDK.
 */
import { validate } from "@langchain/langgraph-checkpoint-validation";
import { DynamoDBSaver } from "../../lib/checkpoint/dynamodb-saver.js";
import { startTestDynamo, type TestDynamo } from "../helpers/dynamo.js";

let dynamo: TestDynamo;

validate<DynamoDBSaver>({
  checkpointerName: "DynamoDBSaver",
  async beforeAll() {
    dynamo = await startTestDynamo();
  },
  async afterAll() {
    await dynamo.close();
  },
  async createCheckpointer() {
    // Fresh tables for every checkpointer: instances never see each other's data.
    const tables = await dynamo.freshTables();
    return new DynamoDBSaver({ client: dynamo.client, tableName: tables.checkpoints });
  },
});
