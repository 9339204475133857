/**
 * Storage cost per run, ours only: DynamoDB requests, capacity units, items and bytes per run, counted by the
 * request meter on an in-process server, turned into on-demand AWS prices.
 */
import { join, resolve } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { RequestMeter, type MeterReading } from "../lib/dynamo/request-meter.js";
import { startLocal } from "../lib/local/start.js";
import { median } from "./measures.js";

const ROOT = resolve(import.meta.dirname, "..");

/** us-east-1 on-demand prices named in issue 5. */
export const PRICES = {
  writeRequestUnit: 0.625 / 1e6,
  readRequestUnit: 0.125 / 1e6,
  sqsRequest: 0.4 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecondArm: 0.0000133334,
  platformPerRun: 0.005,
};

export interface RunCost {
  requests: number;
  /** Median requests per run, by operation (GetItem, PutItem, …). */
  byOperation: Record<string, number>;
  writeUnits: number;
  readUnits: number;
  itemsWritten: number;
  eventLogWrites: number;
  requestBytes: number;
  /** Wall time of the run as the client saw it (ms): the API invocation's duration, and about the worker's. */
  durationMs: number;
  dollarsPerRun: number;
}

export async function storageCost(samples: number): Promise<{ wait: RunCost; stream: RunCost & { tokens: number } }> {
  const system = await startLocal({ config: join(ROOT, "bench/langgraph.json"), port: 0, host: "127.0.0.1" });
  const meter = new RequestMeter().attach(system.platform.client);
  const client = new Client({ apiUrl: system.url });
  const eventsTable = "lambdagraph-events";
  try {
    const measure = async (work: (threadId: string) => Promise<number>) => {
      const readings: (MeterReading & { durationMs: number; extra: number })[] = [];
      for (let i = 0; i < samples + 2; i++) {
        const thread = await client.threads.create(); // not part of the run's cost
        await new Promise((r) => setTimeout(r, 100)); // let the previous run's last writes land
        meter.take();
        const t0 = performance.now();
        const extra = await work(thread.thread_id);
        const durationMs = performance.now() - t0;
        await new Promise((r) => setTimeout(r, 100));
        if (i >= 2) readings.push({ ...meter.take(), durationMs, extra });
      }
      const pick = (f: (r: (typeof readings)[number]) => number) => median(readings.map(f));
      const cost: RunCost = {
        requests: pick((r) => r.requests),
        byOperation: Object.fromEntries(
          [...new Set(readings.flatMap((r) => Object.keys(r.byOperation)))]
            .sort()
            .map((op) => [op, pick((r) => r.byOperation[op] ?? 0)]),
        ),
        writeUnits: pick((r) => r.writeUnits),
        readUnits: pick((r) => r.readUnits),
        itemsWritten: pick((r) => Object.values(r.itemsWrittenByTable).reduce((a, b) => a + b, 0)),
        eventLogWrites: pick((r) => r.itemsWrittenByTable[eventsTable] ?? 0),
        requestBytes: pick((r) => r.requestBytes),
        durationMs: pick((r) => r.durationMs),
        dollarsPerRun: 0,
      };
      const gbSeconds = (2 * cost.durationMs) / 1000; // API + worker, 1 GB each
      cost.dollarsPerRun =
        cost.writeUnits * PRICES.writeRequestUnit +
        cost.readUnits * PRICES.readRequestUnit +
        3 * PRICES.sqsRequest + // send, receive, delete
        2 * PRICES.lambdaRequest +
        gbSeconds * PRICES.lambdaGbSecondArm;
      return { cost, extra: pick((r) => r.extra) };
    };
    const wait = await measure(async (threadId) => {
      await client.runs.wait(threadId, "three", { input: { n: 0 } });
      return 0;
    });
    const stream = await measure(async (threadId) => {
      let tokens = 0;
      for await (const part of client.runs.stream(threadId, "tokens", {
        input: { messages: [{ type: "human", content: "go" }] },
        streamMode: ["messages-tuple"],
      })) {
        if (part.event === "messages") tokens++;
      }
      return tokens;
    });
    return { wait: wait.cost, stream: { ...stream.cost, tokens: stream.extra } };
  } finally {
    await system.close();
  }
}
