/** Benchmark graph: a fake chat model that streams 500 tokens (one character each) with no delay. */
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import type { RunnableConfig } from "@langchain/core/runnables";

const REPLY = Array.from({ length: 500 }, (_, i) => String.fromCharCode(97 + (i % 26))).join("");

export const graph = new StateGraph(MessagesAnnotation)
  .addNode("model", async (state: typeof MessagesAnnotation.State, config: RunnableConfig) => ({
    messages: [await new FakeListChatModel({ responses: [REPLY] }).invoke(state.messages, config)],
  }))
  .addEdge(START, "model")
  .addEdge("model", END)
  .compile();
