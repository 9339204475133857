// A graph that logs through the platform's logger, from its module's top level and from a node.
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { getLogger } from "@langchain/langgraph-sdk/logging";

const logger = getLogger();
logger.info("logging graph loaded");

const State = Annotation.Root({ n: Annotation<number>() });

export const graph = new StateGraph(State)
  .addNode("count", (state) => {
    getLogger().info("counting", { from: state.n });
    return { n: state.n + 1 };
  })
  .addEdge(START, "count")
  .addEdge("count", END)
  .compile();
