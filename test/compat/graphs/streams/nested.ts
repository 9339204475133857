/** A parent graph whose first node is a compiled subgraph of two steps, then one plain node. */
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";

const Shared = Annotation.Root({ word: Annotation<string>() });

const child = new StateGraph(Shared)
  .addNode("upper", (s) => ({ word: s.word.toUpperCase() }))
  .addNode("bang", (s) => ({ word: `${s.word}!` }))
  .addEdge(START, "upper")
  .addEdge("upper", "bang")
  .addEdge("bang", END)
  .compile();

export const graph = new StateGraph(Shared)
  .addNode("child", child)
  .addNode("quote", (s) => ({ word: `"${s.word}"` }))
  .addEdge(START, "child")
  .addEdge("child", "quote")
  .addEdge("quote", END)
  .compile();
