import type { Client } from "@langchain/langgraph-sdk";

export const human = (content: string) => ({ messages: [{ type: "human", content }] });

export async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const parts: T[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

/** Resolves with the run once it reaches one of `statuses` (polling through the SDK, as a client would). */
export async function runReaches(client: Client, threadId: string, runId: string, statuses: string[]) {
  for (let i = 0; i < 400; i++) {
    const run = await client.runs.get(threadId, runId);
    if (statuses.includes(run.status)) return run;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`run ${runId} never reached ${statuses.join("|")}`);
}
