/** The local server's HTTP framing, as a client sees it on the wire. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localServer } from "../helpers/sdk.js";

let server: Awaited<ReturnType<typeof localServer>>;
beforeAll(async () => {
  server = await localServer();
}, 60_000);
afterAll(() => server.system.close());

describe("npm start's HTTP server", () => {
  it("sends a JSON answer whole, with its Content-Length rather than chunked", async () => {
    const thread = await server.client.threads.create({ metadata: { note: "é, in UTF-8" } });
    const res = await fetch(`${server.system.url}/threads/${thread.thread_id}`);
    const body = Buffer.from(await res.arrayBuffer());
    expect(res.status).toBe(200);
    expect(res.headers.get("transfer-encoding")).toBeNull();
    expect(res.headers.get("content-length")).toBe(String(body.length));
    expect(JSON.parse(body.toString("utf8")).metadata.note).toBe("é, in UTF-8");
  });

  it("still starts a stream before its first event", async () => {
    const thread = await server.client.threads.create();
    const abort = new AbortController();
    // A thread's stream with no run on it: nothing to send, but the client has its status and headers.
    const res = await fetch(`${server.system.url}/threads/${thread.thread_id}/stream`, { signal: abort.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    abort.abort();
  });

  it("answers an empty body without one (204, HEAD)", async () => {
    const thread = await server.client.threads.create();
    const head = await fetch(`${server.system.url}/threads/${thread.thread_id}`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    const deleted = await fetch(`${server.system.url}/threads/${thread.thread_id}`, { method: "DELETE" });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe("");
  });
});
