// Annotation state holding messages, as chat graphs do: its schemas come from the TypeScript types, where
// langchain v1's message classes are generic (BaseMessage<TStructure, TRole>).
import type { BaseMessage } from "@langchain/core/messages";
import { Annotation, END, START, StateGraph, messagesStateReducer } from "@langchain/langgraph";

const State = Annotation.Root({
  messages: Annotation<BaseMessage[]>({ reducer: messagesStateReducer, default: () => [] }),
});

export const graph = new StateGraph(State)
  .addNode("echo", () => ({}))
  .addEdge(START, "echo")
  .addEdge("echo", END)
  .compile();
