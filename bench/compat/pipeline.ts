/**
 * Two plain nodes, no model: "outline" drafts from the topic (after `delay_ms`, to keep a thread busy) and writes a
 * custom stream event; "polish" upper-cases the draft. The topic "fail" makes "outline" throw.
 */
import type { LangGraphRunnableConfig } from "@langchain/langgraph";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";

const Draft = Annotation.Root({
  topic: Annotation<string>(),
  draft: Annotation<string>(),
  delay_ms: Annotation<number | undefined>(),
});

async function outline(state: typeof Draft.State, config: LangGraphRunnableConfig) {
  if (state.delay_ms) await new Promise((resolve) => setTimeout(resolve, state.delay_ms));
  if (state.topic === "fail") throw new Error("The outline could not be written.");
  config.writer?.({ progress: "outlined", topic: state.topic });
  return { draft: `notes on ${state.topic}` };
}

const polish = (state: typeof Draft.State) => ({ draft: state.draft.toUpperCase() });

export const graph = new StateGraph(Draft)
  .addNode("outline", outline)
  .addNode("polish", polish)
  .addEdge(START, "outline")
  .addEdge("outline", "polish")
  .addEdge("polish", END)
  .compile();
