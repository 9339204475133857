import { Client } from "@langchain/langgraph-sdk";
import { startLocal, type LocalOptions, type LocalSystem } from "../../lib/local/start.js";

/** The local server (what `npm start` runs) on a free port, and an SDK client for it. */
export async function localServer(
  options: Partial<LocalOptions> = {},
): Promise<{ system: LocalSystem; client: Client }> {
  const system = await startLocal({ config: "langgraph.json", port: 0, host: "127.0.0.1", ...options });
  return { system, client: new Client({ apiUrl: system.url }) };
}

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

/** The HTTP status a client call ends with: 200 when it succeeds, else the SDK error's status. */
export async function httpStatus(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
    return 200;
  } catch (err) {
    return (err as { status?: number }).status;
  }
}

/** Resolves once `check` holds (polled every 25 ms, for up to 5 s). */
export async function until(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}
