// Reports who the run is for, as graphs read it: the user custom auth put in the run's configurable.
import { Annotation, END, START, StateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";

const State = Annotation.Root({
  input: Annotation<string>(),
  user_id: Annotation<string | null>(),
  display_name: Annotation<string | null>(),
  permissions: Annotation<string[] | null>(),
});

export const graph = new StateGraph(State)
  .addNode("whoami", (_state, config: LangGraphRunnableConfig) => {
    const configurable = config.configurable ?? {};
    const user = configurable.langgraph_auth_user as { display_name?: string } | undefined;
    return {
      user_id: (configurable.langgraph_auth_user_id as string | undefined) ?? null,
      display_name: user?.display_name ?? null,
      permissions: (configurable.langgraph_auth_permissions as string[] | undefined) ?? null,
    };
  })
  .addEdge(START, "whoami")
  .addEdge("whoami", END)
  .compile();
