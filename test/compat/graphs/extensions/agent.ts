import { Annotation, END, START, StateGraph } from "@langchain/langgraph";

const State = Annotation.Root({
  count: Annotation<number>(),
  seen_header: Annotation<string | undefined>(),
});

export const graph = new StateGraph(State)
  .addNode("bump", (state: typeof State.State) => ({ count: (state.count ?? 0) + 1 }))
  .addEdge(START, "bump")
  .addEdge("bump", END)
  .compile();
