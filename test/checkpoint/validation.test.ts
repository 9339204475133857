/**
 * The official LangGraph checkpointer validation suite (@langchain/langgraph-checkpoint-validation),
 * run against DynamoDBSaver on the embedded DynamoDB through the real AWS SDK.
 */
import { validate } from "@langchain/langgraph-checkpoint-validation";
import { DynamoDBSaver } from "../../lib/checkpoint/dynamodb-saver.js";
import { startTestDynamo, type TestDynamo } from "../helpers/dynamo.js";

// Started while the file loads, not in the suite's beforeAll: that hook has a fixed 10 s timeout, and Amazon's
// DynamoDB Local (LAMBDAGRAPH_TEST_DYNAMO=local) is a JVM that can take longer to start on a busy machine.
const dynamo: TestDynamo = await startTestDynamo();

validate<DynamoDBSaver>({
  checkpointerName: "DynamoDBSaver",
  async afterAll() {
    await dynamo.close();
  },
  async createCheckpointer() {
    // Fresh tables for every checkpointer: instances never see each other's data.
    const tables = await dynamo.freshTables();
    return new DynamoDBSaver({ client: dynamo.client, tableName: tables.checkpoints });
  },
});
