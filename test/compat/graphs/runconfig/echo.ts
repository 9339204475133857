import { Annotation, END, START, StateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";

// Reports what the run's configurable holds that came from request headers (x-* and user-agent), and one body key.
const State = Annotation.Root({
  fromHeaders: Annotation<Record<string, unknown>>(),
  fromBody: Annotation<unknown>(),
});

function report(_state: typeof State.State, config: LangGraphRunnableConfig): typeof State.Update {
  const configurable = config.configurable ?? {};
  const fromHeaders = Object.fromEntries(
    Object.entries(configurable).filter(([key]) => key.startsWith("x-") || key === "user-agent"),
  );
  return { fromHeaders, fromBody: configurable.body_key ?? null };
}

export const graph = new StateGraph(State)
  .addNode("report", report)
  .addEdge(START, "report")
  .addEdge("report", END)
  .compile();
