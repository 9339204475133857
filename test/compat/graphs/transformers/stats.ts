/**
 * Graphs compiled with a stream transformer (`.compile({ transformers })`), as the official server runs them for
 * protocol runs (streamEvents v3): the transformer's final values (promises) reach clients as root `custom`
 * events `{name, payload}` when the run ends, its named StreamChannel as `custom` events as it pushes, its local
 * channel not at all.
 *
 * `graph`: a model node asks for the `weather` tool (a ToolNode runs it), then a fake chat model streams a reply
 * whose last chunk reports token usage. `interrupting` stops at interrupt(); `failing` throws in its node.
 */
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { ChatGenerationChunk, type ChatResult } from "@langchain/core/outputs";
import type { RunnableConfig } from "@langchain/core/runnables";
import { tool } from "@langchain/core/tools";
import {
  END,
  interrupt,
  MessagesAnnotation,
  START,
  StateGraph,
  StreamChannel,
  type MessagesEventData,
  type ProtocolEvent,
  type StreamTransformer,
  type ToolsEventData,
} from "@langchain/langgraph";
import { ToolNode } from "@langchain/langgraph/prebuilt";
import { z } from "zod";

type Stats = {
  toolCallCount: Promise<number>;
  totalTokens: Promise<number>;
  /** The root nodes that reported, in order. */
  nodes: Promise<string[]>;
  /** Named: forwarded to clients as `custom` events named "progress". */
  progress: StreamChannel<{ node: string }>;
  /** Unnamed: stays in the process. */
  local: StreamChannel<string>;
  /** Neither a promise nor a channel: ignored. */
  label: string;
};

const stats = (): StreamTransformer<Stats> => {
  let tools = 0;
  let tokens = 0;
  const nodes: string[] = [];
  const progress = StreamChannel.remote<{ node: string }>("progress");
  const local = StreamChannel.local<string>();
  let settle!: () => void;
  const done = new Promise<void>((resolve) => (settle = resolve));
  return {
    init: () => ({
      toolCallCount: done.then(() => tools),
      totalTokens: done.then(() => tokens),
      nodes: done.then(() => nodes),
      progress,
      local,
      label: "stats",
    }),
    process(event: ProtocolEvent): boolean {
      if (event.method === "tools" && (event.params.data as ToolsEventData).event === "tool-started") tools += 1;
      if (event.method === "messages") {
        const data = event.params.data as MessagesEventData;
        if (data.event === "message-finish" && data.usage)
          tokens += (data.usage.input_tokens ?? 0) + (data.usage.output_tokens ?? 0);
      }
      if (event.method === "updates" && event.params.namespace.length === 0) {
        const node = (event.params.data as { node?: string }).node;
        if (node) {
          nodes.push(node);
          progress.push({ node });
          local.push(node);
        }
      }
      return true;
    },
    finalize: () => settle(),
    fail: () => settle(),
  };
};

/** Streams "Sunny today." in three chunks; the last carries the call's token usage. */
class FakeUsageModel extends BaseChatModel {
  _llmType() {
    return "fake-usage";
  }
  async *_streamResponseChunks(
    _messages: BaseMessage[],
    _options: this["ParsedCallOptions"],
    runManager?: CallbackManagerForLLMRun,
  ): AsyncGenerator<ChatGenerationChunk> {
    const parts = ["Sunny", " today", "."];
    for (const [i, text] of parts.entries()) {
      const last = i === parts.length - 1;
      const chunk = new ChatGenerationChunk({
        text,
        message: new AIMessageChunk({
          content: text,
          ...(last && { usage_metadata: { input_tokens: 7, output_tokens: 3, total_tokens: 10 } }),
        }),
      });
      yield chunk;
      await runManager?.handleLLMNewToken(text, undefined, undefined, undefined, undefined, { chunk });
    }
  }
  async _generate(messages: BaseMessage[], options: this["ParsedCallOptions"]): Promise<ChatResult> {
    let message: AIMessageChunk | undefined;
    for await (const chunk of this._streamResponseChunks(messages, options))
      message = message ? message.concat(chunk.message as AIMessageChunk) : (chunk.message as AIMessageChunk);
    return { generations: [{ text: "Sunny today.", message: message! }] };
  }
}

const weather = tool(async ({ city }: { city: string }) => `It is sunny in ${city}.`, {
  name: "weather",
  description: "The weather in a city",
  schema: z.object({ city: z.string() }),
});

async function model(state: typeof MessagesAnnotation.State, config: RunnableConfig) {
  const last = state.messages.at(-1);
  if (last?.getType() !== "tool") {
    const call = { id: "call_1", name: "weather", args: { city: "SF" }, type: "tool_call" as const };
    return { messages: [new AIMessage({ content: "", tool_calls: [call] })] };
  }
  return { messages: [await new FakeUsageModel({}).invoke(state.messages, config)] };
}

export const graph = new StateGraph(MessagesAnnotation)
  .addNode("model", model)
  .addNode("tools", new ToolNode([weather]))
  .addEdge(START, "model")
  .addConditionalEdges("model", (s) => ((s.messages.at(-1) as AIMessage).tool_calls?.length ? "tools" : END))
  .addEdge("tools", "model")
  .compile({ transformers: [stats] });

export const interrupting = new StateGraph(MessagesAnnotation)
  .addNode("ask", () => ({ messages: [new AIMessage(String(interrupt("your answer?")))] }))
  .addEdge(START, "ask")
  .addEdge("ask", END)
  .compile({ transformers: [stats] });

export const failing = new StateGraph(MessagesAnnotation)
  .addNode("boom", () => {
    throw new Error("boom");
  })
  .addEdge(START, "boom")
  .addEdge("boom", END)
  .compile({ transformers: [stats] });
