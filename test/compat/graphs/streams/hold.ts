/** A node that holds its thread until the run is cancelled (it waits for the run's abort signal). */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";

export const graph = new StateGraph(Annotation.Root({ done: Annotation<boolean>() }))
  .addNode("hold", async (_state, config: LangGraphRunnableConfig) => {
    await new Promise((resolve) => config.signal?.addEventListener("abort", resolve, { once: true }));
    return { done: true };
  })
  .addEdge(START, "hold")
  .addEdge("hold", END)
  .compile();
