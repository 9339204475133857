/** A graph with no model (so the example runs offline): it answers each message by counting the conversation. */
import { AIMessage } from "@langchain/core/messages";
import { END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";

export const graph = new StateGraph(MessagesAnnotation)
  .addNode("reply", (state) => ({
    messages: [new AIMessage(`message ${state.messages.length} received: ${String(state.messages.at(-1)?.content)}`)],
  }))
  .addEdge(START, "reply")
  .addEdge("reply", END)
  .compile();
