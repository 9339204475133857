/**
 * A tool-calling agent with no network: the "model" asks for the weather tool on a human turn, and streams its
 * final answer token by token through LangChain's FakeListChatModel once the tool has answered.
 */
import { AIMessage, type AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { tool } from "@langchain/core/tools";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { ToolNode } from "@langchain/langgraph/prebuilt";
import { z } from "zod";

const weather = tool(async ({ city }) => `It is mild in ${city}.`, {
  name: "weather",
  description: "Today's weather in a city.",
  schema: z.object({ city: z.string() }),
});

const textOf = (message: BaseMessage | undefined) => (typeof message?.content === "string" ? message.content : "");

async function model(state: typeof MessagesAnnotation.State, config: RunnableConfig) {
  const last = state.messages[state.messages.length - 1];
  if (last?.getType() === "human") {
    return { messages: [new AIMessage({ content: "", tool_calls: [{ id: "call_weather", name: "weather", args: { city: textOf(last) } }] })] };
  }
  const llm = new FakeListChatModel({ responses: [`Forecast: ${textOf(last)}`] });
  let reply: AIMessageChunk | undefined;
  for await (const chunk of await llm.stream(state.messages, config)) reply = reply ? reply.concat(chunk) : chunk;
  return { messages: [new AIMessage({ id: reply?.id, content: reply?.content ?? "" })] };
}

export const graph = new StateGraph(MessagesAnnotation)
  .addNode("model", model)
  .addNode("tools", new ToolNode([weather]))
  .addEdge(START, "model")
  .addConditionalEdges("model", (state) => ((state.messages[state.messages.length - 1] as AIMessage).tool_calls?.length ? "tools" : END), ["tools", END])
  .addEdge("tools", "model")
  .compile();
