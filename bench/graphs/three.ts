/** Benchmark graph: three nodes, no model — the cost of the machinery around a run. */
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";

const State = Annotation.Root({ n: Annotation<number>({ reducer: (_a, b) => b, default: () => 0 }) });

export const graph = new StateGraph(State)
  .addNode("a", (s) => ({ n: s.n + 1 }))
  .addNode("b", (s) => ({ n: s.n + 1 }))
  .addNode("c", (s) => ({ n: s.n + 1 }))
  .addEdge(START, "a")
  .addEdge("a", "b")
  .addEdge("b", "c")
  .addEdge("c", END)
  .compile();
