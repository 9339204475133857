// StateSchema: LangGraph's own state definition, with the prebuilt messages value.
import { AIMessage } from "@langchain/core/messages";
import { END, MessagesValue, START, StateGraph, StateSchema } from "@langchain/langgraph";
import { z } from "zod";

const ChatState = new StateSchema({
  messages: MessagesValue,
  turns: z.number().default(0),
});

export const graph = new StateGraph(ChatState)
  .addNode("reply", (state) => ({ messages: [new AIMessage(`turn ${state.turns + 1}`)], turns: state.turns + 1 }))
  .addEdge(START, "reply")
  .addEdge("reply", END)
  .compile();
