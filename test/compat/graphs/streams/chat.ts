/**
 * A one-node chat graph whose fake model streams its reply token by token; "fail" makes the node throw an error
 * of its own class (whose `name` is still "Error", as for most subclasses written in the wild).
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";

class NodeFailure extends Error {}

export const graph = new StateGraph(MessagesAnnotation)
  .addNode("model", async (state, config: RunnableConfig) => {
    const last = state.messages[state.messages.length - 1];
    if (typeof last?.content === "string" && last.content.includes("fail")) throw new NodeFailure("asked to fail");
    const model = new FakeListChatModel({ responses: ["hi there"] });
    return { messages: [await model.invoke(state.messages, config)] };
  })
  .addEdge(START, "model")
  .addEdge("model", END)
  .compile();
