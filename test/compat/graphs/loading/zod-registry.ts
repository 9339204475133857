// zod state registered with LangGraph's schema registry: a reducer and extra JSON schema on the messages field.
import { END, START, StateGraph } from "@langchain/langgraph";
import { withLangGraph } from "@langchain/langgraph/zod";
import { z } from "zod";

const State = z.object({
  messages: withLangGraph(z.array(z.string()), {
    reducer: { schema: z.string(), fn: (a: string[], b: string) => [...a, b] },
    default: () => [],
    jsonSchemaExtra: { langgraph_type: "messages" },
  }),
  step: z.number().default(0),
  mode: z.enum(["draft", "final"]).default("draft"),
});

const Config = z.object({ model: z.string().default("fake") });

export const graph = new StateGraph(State, Config)
  .addNode("speak", (state) => ({ messages: `said ${state.step + 1}`, step: state.step + 1 }))
  .addEdge(START, "speak")
  .addEdge("speak", END)
  .compile();
