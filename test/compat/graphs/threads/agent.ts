/**
 * A two-step agent as users write them: the "model" asks for a tool once, the tool answers, the model finishes.
 * One run takes 5 checkpoints: input, start, agent, tool, agent. `delayMs` in the input makes the first model
 * call wait (for tests that need a run in flight).
 */
import { AIMessage, type BaseMessage, ToolMessage } from "@langchain/core/messages";
import { Annotation, END, START, StateGraph, messagesStateReducer } from "@langchain/langgraph";

const State = Annotation.Root({
  messages: Annotation<BaseMessage[]>({ reducer: messagesStateReducer, default: () => [] }),
  delayMs: Annotation<number | undefined>(),
});

async function model(state: typeof State.State) {
  const last = state.messages.at(-1);
  if (last?.getType() === "tool") return { messages: [new AIMessage(`done after ${String(last.content)}`)] };
  if (state.delayMs) await new Promise((resolve) => setTimeout(resolve, state.delayMs));
  return {
    messages: [new AIMessage({ content: "looking it up", tool_calls: [{ id: "call_1", name: "lookup", args: {} }] })],
  };
}

function lookup(state: typeof State.State) {
  const call = (state.messages.at(-1) as AIMessage).tool_calls?.[0];
  return { messages: [new ToolMessage({ content: "42", tool_call_id: call?.id ?? "call_1" })] };
}

export const graph = new StateGraph(State)
  .addNode("agent", model)
  .addNode("tool", lookup)
  .addEdge(START, "agent")
  .addConditionalEdges("agent", (state) => ((state.messages.at(-1) as AIMessage).tool_calls?.length ? "tool" : END), [
    "tool",
    END,
  ])
  .addEdge("tool", "agent")
  .compile();
