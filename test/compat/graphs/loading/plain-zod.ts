// Plain zod state, no registry.
import { END, START, StateGraph } from "@langchain/langgraph";
import { z } from "zod";

const State = z.object({
  city: z.string(),
  forecast: z.string().optional(),
});

export const graph = new StateGraph(State)
  .addNode("predict", (state) => ({ forecast: `sunny in ${state.city}` }))
  .addEdge(START, "predict")
  .addEdge("predict", END)
  .compile();
