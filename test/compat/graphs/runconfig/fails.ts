import { Annotation, START, StateGraph } from "@langchain/langgraph";

// A graph whose one node throws, for what a failed run's webhook carries.
const State = Annotation.Root({ topic: Annotation<string>() });

export const graph = new StateGraph(State)
  .addNode("explode", () => {
    throw new Error("the fuse was short");
  })
  .addEdge(START, "explode")
  .compile();
