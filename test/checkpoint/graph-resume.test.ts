/**
 * A real StateGraph on DynamoDBSaver: interrupt in one "Lambda", resume in another that shares nothing but the
 * table — and what a typical chat checkpoint costs per put.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { Command, END, MessagesAnnotation, START, StateGraph, interrupt } from "@langchain/langgraph";
import { DynamoDBSaver } from "../../lib/checkpoint/dynamodb-saver.js";
import { RequestMeter } from "../../lib/dynamo/request-meter.js";
import { startTestDynamo, type TestDynamo } from "../helpers/dynamo.js";

let dynamo: TestDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

function buildGraph() {
  return new StateGraph(MessagesAnnotation)
    .addNode("draft", () => ({ messages: [new AIMessage("I would like to send the email.")] }))
    .addNode("approve", () => {
      const answer = interrupt({ question: "Send it?" });
      return { messages: [new AIMessage(answer === "yes" ? "Sent." : "Cancelled.")] };
    })
    .addEdge(START, "draft")
    .addEdge("draft", "approve")
    .addEdge("approve", END);
}

describe("a graph on DynamoDBSaver", () => {
  it("interrupts, then resumes with Command({resume}) in a new saver that reads everything from DynamoDB", async () => {
    const tables = await dynamo.freshTables();
    const config = { configurable: { thread_id: "thread-hitl" } };

    const first = buildGraph().compile({
      checkpointer: new DynamoDBSaver({ client: dynamo.newClient(), tableName: tables.checkpoints }),
    });
    const interrupted: Record<string, any> = await first.invoke({ messages: [new HumanMessage("email Bob")] }, config);
    expect(interrupted.__interrupt__?.[0]?.value).toEqual({ question: "Send it?" });
    const paused = await first.getState(config);
    expect(paused.next).toEqual(["approve"]);

    // A second "Lambda": new client, new saver, new compiled graph.
    const second = buildGraph().compile({
      checkpointer: new DynamoDBSaver({ client: dynamo.newClient(), tableName: tables.checkpoints }),
    });
    const stateBefore = await second.getState(config);
    expect(stateBefore.next).toEqual(["approve"]);
    expect(stateBefore.tasks[0]?.interrupts[0]?.value).toEqual({ question: "Send it?" });

    const done = await second.invoke(new Command({ resume: "yes" }), config);
    expect(done.messages.map((m: { content: unknown }) => m.content)).toEqual([
      "email Bob",
      "I would like to send the email.",
      "Sent.",
    ]);
    const final = await second.getState(config);
    expect(final.next).toEqual([]);

    const history = [];
    for await (const snapshot of second.getStateHistory(config)) history.push(snapshot);
    expect(history.length).toBeGreaterThanOrEqual(4);
    expect(history[history.length - 1].values).toEqual({ messages: [] });
  });

  it("costs one write request per checkpoint for a typical chat turn", async () => {
    const tables = await dynamo.freshTables();
    const client = dynamo.newClient();
    const meter = new RequestMeter().attach(client);
    const saver = new DynamoDBSaver({ client, tableName: tables.checkpoints });
    const reply = "Sure — here is a short answer of about the length a chat model gives, a sentence or two of text.";
    const graph = new StateGraph(MessagesAnnotation)
      .addNode("agent", () => ({ messages: [new AIMessage(reply)] }))
      .addEdge(START, "agent")
      .addEdge("agent", END)
      .compile({ checkpointer: saver });

    const config = { configurable: { thread_id: "thread-cost" } };
    const turns = 10;
    const puts: { requests: number; writeUnits: number; bytes: number; operations: Record<string, number> }[] = [];
    for (let turn = 0; turn < turns; turn++) {
      meter.take();
      await graph.invoke({ messages: [new HumanMessage(`question number ${turn}: what do you think?`)] }, config);
      const reading = meter.take();
      puts.push({
        requests: reading.byOperation.PutItem ?? 0,
        writeUnits: reading.writeUnits,
        bytes: reading.requestBytes,
        operations: reading.byOperation,
      });
    }
    const last = puts[puts.length - 1];
    // A turn writes 3 checkpoints (input, after __start__, after agent) and the writes of 2 tasks: 5 PutItem,
    // and no BatchWrite — no extra items for a chat-sized state.
    expect(last.requests).toBe(5);
    expect(last.operations.BatchWriteItem).toBeUndefined();
    meter.take();
    const latest = await saver.getTuple(config);
    expect(latest?.checkpoint.channel_values.messages).toHaveLength(2 * turns);
    const read = meter.take();
    // The latest checkpoint is one Query: it has no pending writes (they would come before it); values ride inline.
    expect(read.requests).toBe(1);
    console.log(
      JSON.stringify({
        readRequestsForLatest: read.requests,
        readUnitsForLatest: read.readUnits,
        measure: "chat turn on DynamoDBSaver (10th turn, 20 messages in state)",
        putItemPerTurn: last.requests,
        writeUnitsPerTurn: last.writeUnits,
        requestBytesPerTurn: last.bytes,
      }),
    );
  });
});
