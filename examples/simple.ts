/** A two-node graph with no model: the smallest real run (used by latency tests and benchmarks). */
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";

const State = Annotation.Root({
  count: Annotation<number>({ reducer: (_old, next) => next, default: () => 0 }),
  trail: Annotation<string[]>({ reducer: (old, next) => old.concat(next), default: () => [] }),
});

export const graph = new StateGraph(State)
  .addNode("increment", (state) => ({ count: state.count + 1, trail: ["increment"] }))
  .addNode("double", (state) => ({ count: state.count * 2, trail: ["double"] }))
  .addEdge(START, "increment")
  .addEdge("increment", "double")
  .addEdge("double", END)
  .compile();
