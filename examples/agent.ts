/**
 * An example agent that needs no API key. Its "model" is LangChain's FakeListChatModel, which streams its reply
 * token by token (one character per token), so `npm start` shows real streaming out of the box.
 *
 * - "what time is it?"   → the model calls the `get_time` tool, then answers with the tool's result.
 * - "please approve …"   → the graph stops with interrupt() and asks for approval; resume with
 *                           Command({resume: "yes"}) (or anything else to decline).
 * - "slow …"             → the reply streams with a 50 ms pause per token (handy for trying the stop button).
 * - "fail …"             → the agent throws, to show how a failed run looks.
 * - anything else        → an echo of your message, streamed.
 */
import { AIMessage, type AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { tool } from "@langchain/core/tools";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { END, MessagesAnnotation, START, StateGraph, interrupt } from "@langchain/langgraph";
import { ToolNode } from "@langchain/langgraph/prebuilt";
import { z } from "zod";

const getTime = tool(async () => new Date().toISOString(), {
  name: "get_time",
  description: "The current time, as an ISO 8601 string.",
  schema: z.object({}),
});

const text = (message: BaseMessage | undefined) =>
  typeof message?.content === "string" ? message.content : JSON.stringify(message?.content ?? "");

async function agent(state: typeof MessagesAnnotation.State, config: RunnableConfig) {
  const last = state.messages[state.messages.length - 1];
  const lastText = text(last);
  if (/\bfail\b/i.test(lastText)) throw new Error("The agent was asked to fail.");
  if (last?.getType() === "human" && /\btime\b/i.test(lastText)) {
    return {
      messages: [
        new AIMessage({
          content: "",
          tool_calls: [{ id: `call_${state.messages.length}`, name: "get_time", args: {} }],
        }),
      ],
    };
  }
  const reply = last?.getType() === "tool" ? `It is ${lastText} right now.` : `You said: ${lastText}`;
  const model = new FakeListChatModel({ responses: [reply], sleep: /\bslow\b/i.test(lastText) ? 50 : undefined });
  // Stream, as a real agent would: tokens reach `messages` stream mode, and "slow" is slow in every mode.
  let message: AIMessageChunk | undefined;
  for await (const chunk of await model.stream(state.messages, config))
    message = message ? message.concat(chunk) : chunk;
  return { messages: [new AIMessage({ id: message?.id, content: message?.content ?? "" })] };
}

function approval(state: typeof MessagesAnnotation.State) {
  const answer = interrupt({ question: "Do you approve?", request: text(state.messages[state.messages.length - 1]) });
  return {
    messages: [
      new AIMessage(answer === "yes" ? "Approved: done." : `Not approved (answer: ${JSON.stringify(answer)}).`),
    ],
  };
}

export const graph = new StateGraph(MessagesAnnotation)
  .addNode("agent", agent)
  .addNode("tools", new ToolNode([getTime]))
  .addNode("approval", approval)
  .addConditionalEdges(
    START,
    (state) => (/\bapprove\b/i.test(text(state.messages[state.messages.length - 1])) ? "approval" : "agent"),
    ["agent", "approval"],
  )
  .addConditionalEdges(
    "agent",
    (state) => ((state.messages[state.messages.length - 1] as AIMessage).tool_calls?.length ? "tools" : END),
    ["tools", END],
  )
  .addEdge("tools", "agent")
  .addEdge("approval", END)
  .compile();
