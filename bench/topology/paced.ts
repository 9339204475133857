/**
 * Benchmark graph for bench/topology.ts: a fake chat model that streams `tokens` one-character tokens, `sleepMs`
 * apart (input `{ tokens, sleepMs }`), as a model of that speed would.
 */
import { FakeListChatModel } from "@langchain/core/utils/testing";
import type { RunnableConfig } from "@langchain/core/runnables";
import { Annotation, END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";

const State = Annotation.Root({
  ...MessagesAnnotation.spec,
  tokens: Annotation<number>,
  sleepMs: Annotation<number>,
});

export const graph = new StateGraph(State)
  .addNode("model", async (state: typeof State.State, config: RunnableConfig) => {
    const reply = Array.from({ length: state.tokens ?? 15 }, (_, i) => String.fromCharCode(97 + (i % 26))).join("");
    const model = new FakeListChatModel({ responses: [reply], sleep: state.sleepMs || undefined });
    let text = "";
    for await (const chunk of await model.stream([{ role: "user", content: "go" }], config)) text += chunk.content;
    return { messages: [{ role: "assistant", content: text }] };
  })
  .addEdge(START, "model")
  .addEdge("model", END)
  .compile();
