/**
 * A two-node graph with no model: the smallest real run (used by latency tests and benchmarks).
 * `increment` adds `configurable.step` (default 1); `double` multiplies by the runtime context's `factor` (default 2),
 * so assistants' config and context show in the result.
 */
import { Annotation, END, START, StateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";

const State = Annotation.Root({
  count: Annotation<number>({ reducer: (_old, next) => next, default: () => 0 }),
  trail: Annotation<string[]>({ reducer: (old, next) => old.concat(next), default: () => [] }),
});

export const graph = new StateGraph(State)
  .addNode("increment", (state, config: LangGraphRunnableConfig) => {
    config.writer?.({ progress: `incrementing ${state.count}` }); // reaches clients in `custom` stream mode
    const step = Number(config.configurable?.step ?? 1);
    return { count: state.count + step, trail: ["increment"] };
  })
  .addNode("double", (state, config: LangGraphRunnableConfig<{ factor?: number }>) => ({
    count: state.count * Number(config.context?.factor ?? 2),
    trail: ["double"],
  }))
  .addEdge(START, "increment")
  .addEdge("increment", "double")
  .addEdge("double", END)
  .compile();
