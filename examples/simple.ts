/** A two-node graph with no model: the smallest real run (used by latency tests and benchmarks). */
import { Annotation, END, START, StateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";

const State = Annotation.Root({
  count: Annotation<number>({ reducer: (_old, next) => next, default: () => 0 }),
  trail: Annotation<string[]>({ reducer: (old, next) => old.concat(next), default: () => [] }),
});

export const graph = new StateGraph(State)
  .addNode("increment", (state, config: LangGraphRunnableConfig) => {
    config.writer?.({ progress: `incrementing ${state.count}` }); // reaches clients in `custom` stream mode
    return { count: state.count + 1, trail: ["increment"] };
  })
  .addNode("double", (state) => ({ count: state.count * 2, trail: ["double"] }))
  .addEdge(START, "increment")
  .addEdge("increment", "double")
  .addEdge("double", END)
  .compile();
