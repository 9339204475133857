/**
 * Validation as strict as real DynamoDB (issue 13): metadata that Amazon's DynamoDB refuses — an empty key below the
 * top level, in a map or in a list; 31 maps nested in it (32 levels counting the metadata); a key of 65 KB —
 * answers 422 naming `metadata` on every route that stores or filters by it, where it answered 500 on AWS (dynalite
 * accepts it all, so without the check these requests succeed here). A refused run leaves its thread free.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "@langchain/langgraph-sdk";
import type { LocalSystem } from "../../lib/local/start.js";
import { localServer } from "../helpers/sdk.js";

let system: LocalSystem;
let client: Client;
beforeAll(async () => {
  ({ system, client } = await localServer());
});
afterAll(async () => {
  await system?.close();
});

const nest = (maps: number): unknown => (maps === 0 ? 1 : { a: nest(maps - 1) });

const REFUSED: [string, Record<string, unknown>][] = [
  ["an empty key in a nested map", { a: { "": 1 } }],
  ["an empty key in a map in a list", { a: [{ "": 1 }] }],
  ["31 maps nested in it (32 levels with the metadata)", { a: nest(31) }],
  ["a 65 KB key", { ["k".repeat(65 * 1024)]: 1 }],
  ["a 65 KB key in a nested map", { a: { ["é".repeat(33 * 1024)]: 1 } }],
];

async function post(method: string, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${system.url}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const namesMetadata = (body: any) =>
  Array.isArray(body?.detail) && body.detail.some((d: { loc?: unknown[] }) => d.loc?.includes("metadata"));

describe("metadata DynamoDB would refuse", () => {
  it.each(REFUSED)(
    "answers %s with 422 naming metadata, on create, patch, search, count and run create",
    async (_what, metadata) => {
      const thread = await client.threads.create();
      const routes: [string, string, unknown][] = [
        ["POST", "/threads", { metadata }],
        ["PATCH", `/threads/${thread.thread_id}`, { metadata }],
        ["POST", "/threads/search", { metadata }],
        ["POST", "/threads/count", { metadata }],
        ["POST", `/threads/${thread.thread_id}/runs`, { assistant_id: "simple", input: { count: 1 }, metadata }],
        ["POST", "/runs", { assistant_id: "simple", input: { count: 1 }, metadata }],
        ["POST", "/runs/wait", { assistant_id: "simple", input: { count: 1 }, metadata }],
      ];
      for (const [method, path, body] of routes) {
        const answer = await post(method, path, body);
        expect({ route: `${method} ${path}`, status: answer.status, named: namesMetadata(answer.body) }).toEqual({
          route: `${method} ${path}`,
          status: 422,
          named: true,
        });
      }
      // The refused run took nothing: the thread is idle and takes the next run at once.
      expect((await client.threads.get(thread.thread_id)).status).toBe("idle");
      const result = (await client.runs.wait(thread.thread_id, "simple", { input: { count: 1 } })) as { count: number };
      expect(result.count).toBe(4);
    },
  );

  it("stores what DynamoDB holds: 30 maps nested in it (31 levels), and keys of 32 KB", async () => {
    const metadata = { a: nest(30), ["k".repeat(32 * 1024)]: 1 };
    const thread = await client.threads.create({ metadata });
    expect((await client.threads.get(thread.thread_id)).metadata).toEqual(metadata);
    expect((await client.threads.update(thread.thread_id, { metadata: { b: [nest(29)] } })).metadata).toEqual({
      ...metadata,
      b: [nest(29)],
    });
  });
});
