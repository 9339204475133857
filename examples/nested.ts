/** A graph with a subgraph as one of its nodes: its events carry the namespace `inner:<task id>`. */
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";

const State = Annotation.Root({ text: Annotation<string>({ reducer: (_old, next) => next, default: () => "" }) });

const inner = new StateGraph(State)
  .addNode("shout", (state) => ({ text: state.text.toUpperCase() }))
  .addNode("exclaim", (state) => ({ text: `${state.text}!` }))
  .addEdge(START, "shout")
  .addEdge("shout", "exclaim")
  .addEdge("exclaim", END)
  .compile();

export const graph = new StateGraph(State)
  .addNode("inner", inner)
  .addNode("wrap", (state) => ({ text: `<${state.text}>` }))
  .addEdge(START, "inner")
  .addEdge("inner", "wrap")
  .addEdge("wrap", END)
  .compile();
