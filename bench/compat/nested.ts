/** A parent graph whose middle node is a compiled subgraph, so namespaced (`mode|node:<task id>`) events appear. */
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";

const Shared = Annotation.Root({
  steps: Annotation<string[]>({ reducer: (left, right) => left.concat(right), default: () => [] }),
});

const research = new StateGraph(Shared)
  .addNode("search", () => ({ steps: ["searched"] }))
  .addNode("digest", () => ({ steps: ["digested"] }))
  .addEdge(START, "search")
  .addEdge("search", "digest")
  .addEdge("digest", END)
  .compile();

export const graph = new StateGraph(Shared)
  .addNode("plan", () => ({ steps: ["planned"] }))
  .addNode("research", research)
  .addNode("report", () => ({ steps: ["reported"] }))
  .addEdge(START, "plan")
  .addEdge("plan", "research")
  .addEdge("research", "report")
  .addEdge("report", END)
  .compile();
