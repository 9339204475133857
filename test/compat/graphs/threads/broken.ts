/** A graph whose only node fails: the run ends in error. */
import { Annotation, START, StateGraph } from "@langchain/langgraph";

const State = Annotation.Root({ text: Annotation<string>() });

export const graph = new StateGraph(State)
  .addNode("explode", (): { text: string } => {
    throw new Error("the node exploded");
  })
  .addEdge(START, "explode")
  .compile();
