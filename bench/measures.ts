/** The measurements, each driven through the official SDK Client against a running server. */
import { Client } from "@langchain/langgraph-sdk";

export const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
export const median = (xs: number[]) => percentile(xs, 50);

export interface Throughput {
  /** Completed runs per second, over the time until the last run ended (none cut off). */
  runsPerSecond: number;
  runs: number;
  /** Each run's `runs.wait` latency, ms. */
  latencies: number[];
}

/**
 * `runs.wait` of the 3-node graph by `clients` concurrent clients, each on its own thread, starting runs for
 * `windowMs`: completed runs per second and each run's latency.
 */
export async function throughput(url: string, clients: number, windowMs: number): Promise<Throughput> {
  const client = new Client({ apiUrl: url });
  const threads = await Promise.all(Array.from({ length: clients }, () => client.threads.create()));
  const start = performance.now();
  const latencies: number[] = [];
  await Promise.all(
    threads.map(async (thread) => {
      while (performance.now() < start + windowMs) {
        const t0 = performance.now();
        await client.runs.wait(thread.thread_id, "three", { input: { n: 0 } });
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  return { runsPerSecond: latencies.length / seconds, runs: latencies.length, latencies };
}

export interface StreamFigures {
  firstTokenMs: number;
  endMs: number;
  tokens: number;
  eventsPerSecond: number;
}

/** A run whose fake model streams 500 tokens: time to the first `messages` event and to the end. */
export async function streaming(url: string): Promise<StreamFigures> {
  const client = new Client({ apiUrl: url });
  const thread = await client.threads.create();
  const t0 = performance.now();
  let first: number | undefined;
  let tokens = 0;
  let events = 0;
  for await (const part of client.runs.stream(thread.thread_id, "tokens", {
    input: { messages: [{ type: "human", content: "go" }] },
    streamMode: ["messages-tuple"],
  })) {
    events++;
    if (part.event === "messages") {
      tokens++;
      first ??= performance.now() - t0;
    }
  }
  const endMs = performance.now() - t0;
  return { firstTokenMs: first ?? NaN, endMs, tokens, eventsPerSecond: events / (endMs / 1000) };
}

/** Seeds `count` threads (and one with state), for the REST latencies. */
export async function seedThreads(url: string, count: number): Promise<{ ids: string[]; withState: string }> {
  const client = new Client({ apiUrl: url });
  const ids: string[] = [];
  const concurrency = 16;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = worker; i < count; i += concurrency)
        ids.push((await client.threads.create({ metadata: { i } })).thread_id);
    }),
  );
  const withState = ids[0];
  await client.runs.wait(withState, "three", { input: { n: 1 } });
  return { ids, withState };
}

export interface RestFigures {
  get: number[];
  getState: number[];
  search: number[];
}

/**
 * Latency samples (ms) of threads.get, threads.getState and threads.search({limit: 20}) on each of `targets`, the
 * calls taken in turn (one server, then the next, in an order that alternates): a burst of other work on the machine
 * lands on every server's samples alike, instead of on one server's window.
 */
export async function rest(
  targets: { url: string; seeded: { ids: string[]; withState: string } }[],
  samples: number,
): Promise<RestFigures[]> {
  const clients = targets.map((t) => new Client({ apiUrl: t.url }));
  const time = async (f: () => Promise<unknown>) => {
    const t0 = performance.now();
    await f();
    return performance.now() - t0;
  };
  const figures: RestFigures[] = targets.map(() => ({ get: [], getState: [], search: [] }));
  for (let i = 0; i < samples; i++) {
    const order = i % 2 === 0 ? targets.map((_, k) => k) : targets.map((_, k) => targets.length - 1 - k);
    for (const k of order) {
      const { ids, withState } = targets[k].seeded;
      const id = ids[Math.floor(Math.random() * ids.length)];
      figures[k].get.push(await time(() => clients[k].threads.get(id)));
      figures[k].getState.push(await time(() => clients[k].threads.getState(withState)));
      figures[k].search.push(await time(() => clients[k].threads.search({ limit: 20 })));
    }
  }
  return figures;
}
