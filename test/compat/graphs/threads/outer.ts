/** A parent graph whose node is a compiled subgraph that stops for approval: state with subgraphs shows its task. */
import { Annotation, START, StateGraph, interrupt } from "@langchain/langgraph";

const State = Annotation.Root({ text: Annotation<string>() });

const inner = new StateGraph(State)
  .addNode("draft", (state) => ({ text: `${state.text} (draft)` }))
  .addNode("review", (state) => ({ text: `${state.text} ${String(interrupt("ok?"))}` }))
  .addEdge(START, "draft")
  .addEdge("draft", "review")
  .compile();

export const graph = new StateGraph(State).addNode("inner", inner).addEdge(START, "inner").compile();
