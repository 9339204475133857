import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@langchain/langgraph-sdk";
import { RequestMeter } from "../../lib/dynamo/request-meter.js";
import { startLocal, type LocalSystem } from "../../lib/local/start.js";

let system: LocalSystem;
let meter: RequestMeter;

beforeAll(async () => {
  system = await startLocal({ config: "langgraph.json", port: 0, host: "127.0.0.1", apiKey: "s3cret-key" });
  meter = new RequestMeter().attach(system.platform.client);
});
afterAll(async () => {
  await system?.close();
});

describe("API key", () => {
  it("refuses requests without the key with 401 and touches no table", async () => {
    meter.take();
    await expect(new Client({ apiUrl: system.url, apiKey: null }).threads.create()).rejects.toThrow(/401/);
    await expect(new Client({ apiUrl: system.url, apiKey: "wrong" }).threads.search()).rejects.toThrow(/401/);
    const raw = await fetch(`${system.url}/threads`, {
      method: "POST",
      headers: { "x-api-key": "s3cret-ke" },
      body: "{}",
    });
    expect(raw.status).toBe(401);
    expect(meter.take().requests).toBe(0);
  });

  it("serves the SDK's apiKey, and leaves GET /ok open", async () => {
    const client = new Client({ apiUrl: system.url, apiKey: "s3cret-key" });
    const thread = await client.threads.create();
    expect(await client.runs.wait(thread.thread_id, "simple", { input: { count: 1 } })).toEqual({
      count: 4,
      trail: ["increment", "double"],
    });
    expect((await fetch(`${system.url}/ok`)).status).toBe(200);
  });
});
