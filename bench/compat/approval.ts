/** Stops inside a node with interrupt() until resumed with Command({resume}); then records the answer. */
import { Annotation, END, START, StateGraph, interrupt } from "@langchain/langgraph";

const Request = Annotation.Root({
  request: Annotation<string>(),
  decision: Annotation<string>(),
  done: Annotation<boolean>(),
});

export const graph = new StateGraph(Request)
  .addNode("review", (state) => ({ decision: String(interrupt({ question: "Approve?", request: state.request })) }))
  .addNode("apply", (state) => ({ done: state.decision === "yes" }))
  .addEdge(START, "review")
  .addEdge("review", "apply")
  .addEdge("apply", END)
  .compile();
