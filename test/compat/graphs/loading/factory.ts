// A factory: the graph's shape depends on the config it is built for (its one node is named by
// `configurable.nodeName`), and it reads the run's context. It returns the StateGraph uncompiled.
import { Annotation, END, START, StateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";

const State = Annotation.Root({
  visited: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
  tone: Annotation<string | null>(),
});

const Context = Annotation.Root({ tone: Annotation<string>() });

export const graph = async (config: LangGraphRunnableConfig) => {
  const nodeName = (config.configurable?.nodeName as string | undefined) ?? "default_node";
  return new StateGraph(State, Context)
    .addNode(nodeName, (_state, runtime) => ({
      visited: [nodeName],
      tone: (runtime.context as { tone?: string } | undefined)?.tone ?? null,
    }))
    .addEdge(START, nodeName)
    .addEdge(nodeName, END);
};
