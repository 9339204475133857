/** A subgraph that stops at interrupt(): the parent's state then has a task whose checkpoint points into it. */
import { Annotation, END, START, StateGraph, interrupt } from "@langchain/langgraph";

const Shared = Annotation.Root({ answer: Annotation<string>() });

const child = new StateGraph(Shared)
  .addNode("ask", () => ({ answer: String(interrupt("your answer?")) }))
  .addEdge(START, "ask")
  .addEdge("ask", END)
  .compile();

export const graph = new StateGraph(Shared)
  .addNode("child", child)
  .addEdge(START, "child")
  .addEdge("child", END)
  .compile();
