// A factory that, like many user factories, wraps the compiled graph's state methods (bound to the graph it made)
// and checks what the server built it for: state reads must come from a graph built for "threads.read", updates
// from one built for "threads.update" — the server runtime's `accessContext`, as `langgraph dev` passes it.
import { Annotation, START, StateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";

type Access = "threads.create_run" | "threads.read" | "threads.update" | "assistants.read";

const State = Annotation.Root({ note: Annotation<string>(), builtFor: Annotation<string>() });

export const graph = (_config: LangGraphRunnableConfig, runtime: { accessContext: Access }) => {
  const compiled = new StateGraph(State)
    .addNode("write", (state) => ({ note: `${state.note ?? ""}!`, builtFor: runtime.accessContext }))
    .addEdge(START, "write")
    .compile();
  const guard = (expected: Access) => {
    if (runtime.accessContext !== expected) throw new Error(`built for ${runtime.accessContext}, used for ${expected}`);
  };
  const getState = compiled.getState.bind(compiled);
  compiled.getState = (...args) => (guard("threads.read"), getState(...args));
  const getStateHistory = compiled.getStateHistory.bind(compiled);
  compiled.getStateHistory = (...args) => (guard("threads.read"), getStateHistory(...args));
  const updateState = compiled.updateState.bind(compiled);
  compiled.updateState = (...args) => (guard("threads.update"), updateState(...args));
  const bulkUpdateState = compiled.bulkUpdateState.bind(compiled);
  compiled.bulkUpdateState = (...args) => (guard("threads.update"), bulkUpdateState(...args));
  return compiled;
};
