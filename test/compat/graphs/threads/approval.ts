/** Asks a person before it answers: the run stops with interrupt() until a Command({ resume }) comes. */
import { Annotation, START, StateGraph, interrupt } from "@langchain/langgraph";

const State = Annotation.Root({ question: Annotation<string>(), answer: Annotation<string>() });

export const graph = new StateGraph(State)
  .addNode("ask", (state) => ({ answer: String(interrupt({ confirm: state.question })) }))
  .addEdge(START, "ask")
  .compile();
