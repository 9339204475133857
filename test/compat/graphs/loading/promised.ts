// The graph is built asynchronously (as when a setup step must be awaited first): the export is a Promise.
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";

const State = Annotation.Root({
  topic: Annotation<string>(),
  outline: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
});

async function loadSections(): Promise<string[]> {
  await new Promise((resolve) => setTimeout(resolve, 5));
  return ["intro", "body"];
}

export const graph = (async () => {
  const sections = await loadSections();
  return new StateGraph(State)
    .addNode("plan", (state) => ({ outline: sections.map((s) => `${state.topic}: ${s}`) }))
    .addEdge(START, "plan")
    .addEdge("plan", END)
    .compile();
})();
