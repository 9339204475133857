/**
 * A graph with long-term memory: each run stores the input `note` in the store under ["notes", user] (user from
 * `configurable.user_id`, default "anonymous") and answers with every note kept so far — visible through
 * /store/items/search as well.
 */
import { Annotation, END, START, StateGraph, type LangGraphRunnableConfig } from "@langchain/langgraph";

const State = Annotation.Root({
  note: Annotation<string>({ reducer: (_old, next) => next, default: () => "" }),
  notes: Annotation<string[]>({ reducer: (_old, next) => next, default: () => [] }),
});

export const graph = new StateGraph(State)
  .addNode("remember", async (state, config: LangGraphRunnableConfig) => {
    if (!config.store) throw new Error("memory graph: no store was given to the graph");
    const namespace = ["notes", String(config.configurable?.user_id ?? "anonymous")];
    if (state.note)
      await config.store.put(namespace, `note-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`, {
        text: state.note,
      });
    const items = await config.store.search(namespace, { limit: 100 });
    return { notes: items.map((item) => String(item.value.text)) };
  })
  .addEdge(START, "remember")
  .addEdge("remember", END)
  .compile();
