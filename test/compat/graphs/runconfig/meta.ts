import { Annotation, START, StateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";

// Reports the run metadata a graph sees: the server's own keys, and what came from the assistant and the request.
const State = Annotation.Root({ seen: Annotation<Record<string, unknown>>() });
const KEYS = ["created_by", "langgraph_plan", "langgraph_host", "langgraph_version", "run_attempt", "team"];

export const graph = new StateGraph(State)
  .addNode("report", (_state, config: LangGraphRunnableConfig) => ({
    seen: Object.fromEntries(
      KEYS.filter((k) => config.metadata?.[k] !== undefined).map((k) => [k, config.metadata?.[k]]),
    ),
  }))
  .addEdge(START, "report")
  .compile();
