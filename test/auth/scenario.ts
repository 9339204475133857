/**
 * What a LangGraph Platform user of custom auth relies on (test/auth/project/auth.ts: JWT bearer tokens, threads
 * and runs owned by their creator, scopes, per-user store namespaces), as one suite run against any server: the
 * local one (`npm start`) and the bundled Lambda API function.
 */
import { Client, type Thread } from "@langchain/langgraph-sdk";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { httpStatus } from "../helpers/sdk.js";
import { SECRET } from "./project/auth.js";

export async function token(sub: string, scope: string, name = sub): Promise<string> {
  return new SignJWT({ scope, name }).setProtectedHeader({ alg: "HS256" }).setSubject(sub).sign(SECRET);
}

/** A server under test: its URL, and its scheduler's tick (starts the crons due now). */
export interface AuthTarget {
  url: string;
  tick(): Promise<unknown>;
}

export function customAuthSuite(server: () => AuthTarget): void {
  let alice: Client;
  let bob: Client;
  let readOnly: Client;
  const clients = async () => {
    const url = server().url;
    const as = async (sub: string, scope: string) =>
      new Client({ apiUrl: url, defaultHeaders: { authorization: `Bearer ${await token(sub, scope)}` } });
    alice ??= await as("alice", "runs:write assistants:write");
    bob ??= await as("bob", "runs:write");
    readOnly ??= await as("carol", "");
  };
  const whoami = { input: "who?" };

  describe("authentication", () => {
    it("answers a request without a valid token with the handler's 401, message and headers", async () => {
      const url = server().url;
      const missing = await fetch(`${url}/threads/search`, { method: "POST", body: "{}" });
      expect(missing.status).toBe(401);
      expect(await missing.text()).toBe("Missing bearer token");
      expect(missing.headers.get("www-authenticate")).toBe("Bearer");
      const forged = await fetch(`${url}/threads/search`, {
        method: "POST",
        body: "{}",
        headers: { authorization: "Bearer not-a-jwt" },
      });
      expect(forged.status).toBe(401);
      expect(await forged.text()).toBe("Invalid token");
    });

    it("leaves GET /ok and GET /info open", async () => {
      const url = server().url;
      expect((await fetch(`${url}/ok`)).status).toBe(200);
      expect((await fetch(`${url}/info`)).status).toBe(200);
    });
  });

  describe("threads owned by their creator", () => {
    it("stamps the owner, lists and counts each user's threads only, and hides the others' (404)", async () => {
      await clients();
      const mine = await alice.threads.create({ metadata: { topic: "a" } });
      expect(mine.metadata).toEqual({ topic: "a", owner: "alice" });
      const theirs = await bob.threads.create({ metadata: { owner: "alice" } }); // the handler overrides it
      expect(theirs.metadata).toEqual({ owner: "bob" });

      expect(await httpStatus(bob.threads.get(mine.thread_id))).toBe(404);
      expect((await alice.threads.get(mine.thread_id)).thread_id).toBe(mine.thread_id);
      const bobs = await bob.threads.search({ limit: 100 });
      expect(bobs.map((t) => t.thread_id)).toContain(theirs.thread_id);
      expect(bobs.every((t) => t.metadata?.owner === "bob")).toBe(true);
      expect((await bob.threads.search({ ids: [mine.thread_id] })).length).toBe(0);
      expect(await bob.threads.count({ metadata: { topic: "a" } })).toBe(0);
      expect(await alice.threads.count({ metadata: { topic: "a" } })).toBeGreaterThanOrEqual(1);
      // Nor can bob take over the id of alice's thread.
      expect(await httpStatus(bob.threads.create({ threadId: mine.thread_id, ifExists: "do_nothing" }))).toBe(409);
    });

    it("refuses another user's thread: update, state, history, checkpoint and delete (404), copy (409)", async () => {
      await clients();
      const thread = await alice.threads.create();
      const run = await alice.runs.wait(thread.thread_id, "whoami", { input: whoami });
      expect(run).toMatchObject({ user_id: "alice" });
      const [latest] = await alice.threads.getHistory(thread.thread_id);
      const checkpointId = latest.checkpoint.checkpoint_id!;

      expect(await httpStatus(bob.threads.update(thread.thread_id, { metadata: { owner: "bob" } }))).toBe(404);
      expect(await httpStatus(bob.threads.getState(thread.thread_id))).toBe(404);
      expect(await httpStatus(bob.threads.getState(thread.thread_id, checkpointId))).toBe(404);
      expect(await httpStatus(bob.threads.getHistory(thread.thread_id))).toBe(404);
      expect(await httpStatus(bob.threads.updateState(thread.thread_id, { values: { input: "x" } }))).toBe(404);
      expect(await httpStatus(bob.threads.copy(thread.thread_id))).toBe(409); // the official server's `Thread not found`
      expect(await httpStatus(bob.threads.delete(thread.thread_id))).toBe(404);

      const copy = await alice.threads.copy(thread.thread_id);
      expect(copy.metadata?.owner).toBe("alice");
      expect((await alice.threads.getState(thread.thread_id)).values).toMatchObject({ user_id: "alice" });
    });
  });

  describe("runs", () => {
    it("give the graph the user (configurable langgraph_auth_*), stored with the run", async () => {
      await clients();
      const thread = await alice.threads.create();
      const output = await alice.runs.wait(thread.thread_id, "whoami", { input: whoami });
      expect(output).toMatchObject({
        user_id: "alice",
        display_name: "alice",
        permissions: ["runs:write", "assistants:write"],
      });
      const [run] = await alice.runs.list(thread.thread_id);
      expect(run.metadata).toMatchObject({ owner: "alice" });

      // A background run: on AWS it reaches the worker through the queue, so the user travels with the run.
      const queued = await bob.runs.create(null, "whoami", { input: whoami, onCompletion: "keep" as never });
      await bob.runs.join(queued.thread_id, queued.run_id);
      expect((await bob.threads.getState(queued.thread_id)).values).toMatchObject({
        user_id: "bob",
        display_name: "bob",
        permissions: ["runs:write"],
      });
    });

    it("need the scope the handler asks for (403 with its message)", async () => {
      await clients();
      const thread = await readOnly.threads.create();
      const refused = await readOnly.runs.wait(thread.thread_id, "whoami", { input: whoami }).catch((e) => e);
      expect(refused.status).toBe(403);
      expect(String(refused.message)).toContain("Missing scope runs:write");
    });

    it("refuses another user's runs: create, get, list, join, cancel and delete (404); a stream, one error event", async () => {
      await clients();
      const thread = await alice.threads.create();
      const run = await alice.runs.create(thread.thread_id, "whoami", { input: whoami });
      await alice.runs.join(thread.thread_id, run.run_id);

      expect(await httpStatus(bob.runs.create(thread.thread_id, "whoami", { input: whoami }))).toBe(404);
      expect(await httpStatus(bob.runs.get(thread.thread_id, run.run_id))).toBe(404);
      expect(await httpStatus(bob.runs.list(thread.thread_id))).toBe(404);
      expect(await httpStatus(bob.runs.join(thread.thread_id, run.run_id))).toBe(404);
      const stream = await fetch(`${server().url}/threads/${thread.thread_id}/runs/${run.run_id}/stream`, {
        headers: { authorization: `Bearer ${await token("bob", "runs:write")}` },
      });
      // As on the official server: a stream (200) whose one event says the thread is not found.
      expect(stream.status).toBe(200);
      expect(await stream.text()).toBe('event: error\ndata: {"error":"Error","message":"404: Thread not found"}\n\n');
      expect(await httpStatus(bob.runs.cancel(thread.thread_id, run.run_id))).toBe(404);
      expect(await httpStatus(bob.runs.delete(thread.thread_id, run.run_id))).toBe(404);
      expect((await alice.runs.get(thread.thread_id, run.run_id)).status).toBe("success");
    });

    it("run stateless for their user, and the thread they keep is theirs", async () => {
      await clients();
      expect(await alice.runs.wait(null, "whoami", { input: whoami })).toMatchObject({ user_id: "alice" });
      const kept = await bob.runs.create(null, "whoami", { input: whoami, onCompletion: "keep" as never });
      await bob.runs.join(kept.thread_id, kept.run_id);
      expect((await bob.threads.get(kept.thread_id)).metadata).toMatchObject({ owner: "bob" });
      expect(await httpStatus(alice.threads.get(kept.thread_id))).toBe(404);
      expect(await httpStatus(readOnly.runs.wait(null, "whoami", { input: whoami }))).toBe(403);
    });
  });

  describe("crons", () => {
    it("are their creator's: stamped, listed, counted, changed and deleted by them only (404)", async () => {
      await clients();
      const thread = await alice.threads.create();
      const mine = await alice.crons.createForThread(thread.thread_id, "whoami", {
        schedule: "0 0 1 1 *",
        input: whoami,
        metadata: { topic: "c" },
      });
      expect(mine.metadata).toEqual({ topic: "c", owner: "alice" });
      const stateless = await alice.crons.create("whoami", { schedule: "0 0 1 1 *", input: whoami });
      expect(await httpStatus(bob.crons.createForThread(thread.thread_id, "whoami", { schedule: "0 0 1 1 *" }))).toBe(
        404,
      );

      const bobs = await bob.crons.search({ limit: 100 });
      expect(bobs.map((c) => c.cron_id)).not.toContain(mine.cron_id);
      expect(bobs.map((c) => c.cron_id)).not.toContain(stateless.cron_id);
      expect(await bob.crons.search({ threadId: thread.thread_id })).toEqual([]);
      expect(await bob.crons.count({ threadId: thread.thread_id })).toBe(0);
      expect((await alice.crons.search({ threadId: thread.thread_id })).map((c) => c.cron_id)).toEqual([mine.cron_id]);
      expect(await httpStatus(bob.crons.update(mine.cron_id, { schedule: "0 0 2 1 *" }))).toBe(404);
      expect(await httpStatus(bob.crons.delete(stateless.cron_id))).toBe(404);
      expect((await alice.crons.update(mine.cron_id, { schedule: "0 0 2 1 *" })).schedule).toBe("0 0 2 1 *");
      await alice.crons.delete(stateless.cron_id);
      await alice.crons.delete(mine.cron_id);
      expect(await alice.crons.count({ threadId: thread.thread_id })).toBe(0);
    });

    it("start runs as the user who created them (configurable langgraph_auth_*), on threads that stay theirs", async () => {
      await clients();
      const thread = await alice.threads.create();
      const onThread = await alice.crons.createForThread(thread.thread_id, "whoami", {
        schedule: "* * * * * *", // every second
        input: whoami,
      });
      const stateless = await bob.crons.create("whoami", {
        schedule: "* * * * * *",
        input: { input: "cron" },
        onRunCompleted: "keep",
      });
      await new Promise((r) => setTimeout(r, 1_100));
      await server().tick();
      await alice.crons.delete(onThread.cron_id);
      await bob.crons.delete(stateless.cron_id);

      const [run] = await alice.runs.list(thread.thread_id);
      await alice.runs.join(thread.thread_id, run.run_id);
      expect(run.metadata).toMatchObject({ owner: "alice" });
      expect((await alice.threads.getState(thread.thread_id)).values).toMatchObject({
        user_id: "alice",
        permissions: ["runs:write", "assistants:write"],
      });
      // The thread bob's stateless occurrence kept: listed as his, with the graph's answer for him.
      let kept: Thread | undefined;
      for (let tries = 0; !kept && tries < 300; tries++) {
        const bobs = await bob.threads.search({ limit: 100 });
        kept = bobs.find((t) => (t.values as { input?: string } | null)?.input === "cron" && t.status === "idle");
        if (!kept) await new Promise((r) => setTimeout(r, 100));
      }
      expect(kept!.metadata).toMatchObject({ owner: "bob" });
      expect(kept!.values).toMatchObject({ user_id: "bob", permissions: ["runs:write"] });
      expect(await httpStatus(alice.threads.get(kept!.thread_id))).toBe(404);
    });
  });

  describe("the store", () => {
    it("keeps each user to their own namespace", async () => {
      await clients();
      await alice.store.putItem(["alice", "notes"], "n1", { text: "mine" });
      expect((await alice.store.getItem(["alice", "notes"], "n1"))?.value).toEqual({ text: "mine" });
      expect(await httpStatus(bob.store.getItem(["alice", "notes"], "n1"))).toBe(403);
      expect(await httpStatus(bob.store.putItem(["alice", "notes"], "n1", { text: "bob's" }))).toBe(403);
      expect(await httpStatus(bob.store.deleteItem(["alice", "notes"], "n1"))).toBe(403);
      expect(await httpStatus(bob.store.searchItems(["alice"]))).toBe(403);
      const found = await alice.store.searchItems(["alice"]);
      expect(found.items.map((i) => i.key)).toEqual(["n1"]);
    });
  });

  describe("assistants", () => {
    it("are read by anyone and changed only with the scope", async () => {
      await clients();
      expect((await bob.assistants.search({ graphId: "whoami" })).length).toBeGreaterThan(0);
      expect(await httpStatus(bob.assistants.create({ graphId: "whoami", name: "bob's" }))).toBe(403);
      const made = await alice.assistants.create({ graphId: "whoami", name: "alice's" });
      expect(await httpStatus(bob.assistants.delete(made.assistant_id))).toBe(403);
    });
  });
}
