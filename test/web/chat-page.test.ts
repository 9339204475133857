/**
 * The chat page (web/) in headless Chromium against the local server, as a user would use it: the official
 * useStream hook does all of the protocol. Needs Debian's chromium at /usr/bin/chromium (`.ci/run` installs it);
 * without it these tests are skipped with a loud message.
 */
import { existsSync, mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocal, type LocalSystem } from "../../lib/local/start.js";
import { ensureWebPage } from "../../lib/local/web-page.js";

const CHROMIUM = process.env.LAMBDAGRAPH_CHROMIUM ?? "/usr/bin/chromium";
const hasBrowser = existsSync(CHROMIUM);
if (!hasBrowser) {
  console.warn(
    `\n${"!".repeat(100)}\n!! SKIPPED: the chat-page browser tests need Chromium at ${CHROMIUM} (apt-get install -y chromium).\n${"!".repeat(100)}\n`,
  );
}

const OUTPUT = resolve("test-output");
const SLOW = "slow: please go gently with this sentence, it has quite a few words in it";
const SLOW_REPLY = `You said: ${SLOW}`;

let system: LocalSystem;
let browser: Browser;
let client: Client;

beforeAll(async () => {
  if (!hasBrowser) return;
  mkdirSync(OUTPUT, { recursive: true });
  const webDir = await ensureWebPage(resolve(OUTPUT, "web")); // a fresh build of web/, as npm start would make
  system = await startLocal({ config: "langgraph.json", port: 0, host: "127.0.0.1", webDir });
  client = new Client({ apiUrl: system.url });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await system?.close();
});

async function openPage(query = "?assistant=agent"): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${system.url}/${query}`);
  await page.getByTestId("input").waitFor();
  expect(errors).toEqual([]);
  return page;
}

async function send(page: Page, text: string) {
  await page.getByTestId("input").fill(text);
  await page.getByTestId("send").click();
}

// In-page scripts are strings: this file is type-checked for Node, not the DOM.
const AI_TEXT = `(() => {
  const all = document.querySelectorAll('[data-testid="message-ai"]');
  return all.length ? (all[all.length - 1].textContent ?? "").replace(/^Agent\\s*/, "") : "";
})`;

const lastAiText = (page: Page) => page.evaluate<string>(`${AI_TEXT}()`);

/** Every distinct text the last AI message showed while `until` was pending, sampled on each DOM change. */
async function watchAiText(page: Page, until: () => Promise<unknown>): Promise<string[]> {
  await page.evaluate(`(() => {
    const aiText = ${AI_TEXT};
    window.seen = [];
    new MutationObserver(() => {
      const text = aiText();
      if (text && window.seen[window.seen.length - 1] !== text) window.seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  })()`);
  await until();
  return page.evaluate<string[]>("window.seen");
}

const threadOf = (page: Page) => new URL(page.url()).searchParams.get("thread");

describe.skipIf(!hasBrowser)("the chat page in Chromium (useStream against npm start)", () => {
  it("serves the page at / with CORS on the API, and lists the assistants from langgraph.json", async () => {
    const page = await openPage();
    const options = await page.getByTestId("assistant").locator("option").allTextContents();
    expect(options).toEqual(expect.arrayContaining(["agent", "simple", "nested"]));
    const preflight = await fetch(`${system.url}/threads/search`, {
      method: "OPTIONS",
      headers: { origin: "http://elsewhere.example", "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
    await page.close();
  });

  it("streams a reply into the page token by token", async () => {
    const page = await openPage();
    const seen = await watchAiText(page, async () => {
      await send(page, SLOW);
      await page.getByTestId("send").waitFor({ timeout: 30_000 }); // back to Send: the run finished
    });
    expect(seen[seen.length - 1]).toBe(SLOW_REPLY);
    // Many partial renders, each a prefix of the next: tokens arrived one by one, not as one final message.
    expect(seen.length).toBeGreaterThan(10);
    for (let i = 1; i < seen.length; i++) expect(seen[i].startsWith(seen[i - 1])).toBe(true);
    expect(await page.getByTestId("message-human").first().textContent()).toContain(SLOW);
    const threadId = threadOf(page);
    expect(threadId).toBeTruthy();
    await expect
      .poll(() => page.getByTestId(`thread-status-${threadId}`).textContent(), { timeout: 10_000 })
      .toBe("idle");
    await page.screenshot({ path: resolve(OUTPUT, "chat-page.png") });
    await page.close();
  });

  it("stops a slow run with the Stop button: the reply stops growing and the run is interrupted", async () => {
    const page = await openPage();
    await send(page, SLOW);
    await expect.poll(async () => (await lastAiText(page)).length, { timeout: 20_000 }).toBeGreaterThan(15);
    await page.getByTestId("stop").click();
    await page.getByTestId("send").waitFor({ timeout: 10_000 });
    const threadId = threadOf(page)!;
    const [run] = await client.runs.list(threadId);
    await expect
      .poll(async () => (await client.runs.get(threadId, run.run_id)).status, { timeout: 10_000 })
      .toBe("interrupted");
    const atStop = await lastAiText(page);
    await new Promise((r) => setTimeout(r, 1500)); // the rest of the reply would take ~3 s more
    expect(await lastAiText(page)).toBe(atStop);
    expect(atStop.length).toBeLessThan(SLOW_REPLY.length);
    await page.close();
  });

  it("shows an interrupt, and Approve resumes the run to its answer", async () => {
    const page = await openPage();
    await send(page, "please approve the deploy");
    await page.getByTestId("interrupt").waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("interrupt").textContent()).toContain("Do you approve?");
    const threadId = threadOf(page)!;
    await expect
      .poll(() => page.getByTestId(`thread-status-${threadId}`).textContent(), { timeout: 10_000 })
      .toBe("interrupted");
    await page.screenshot({ path: resolve(OUTPUT, "chat-page-interrupt.png") });
    await page.getByTestId("approve").click();
    await expect.poll(() => lastAiText(page), { timeout: 20_000 }).toBe("Approved: done.");
    await expect(page.getByTestId("interrupt").count()).resolves.toBe(0);
    await expect.poll(async () => (await client.threads.get(threadId)).status, { timeout: 10_000 }).toBe("idle");
    await page.close();
  });

  it("rejoins the running stream after a reload mid-run (reconnectOnMount)", async () => {
    const page = await openPage();
    await send(page, SLOW);
    await expect.poll(async () => (await lastAiText(page)).length, { timeout: 20_000 }).toBeGreaterThan(15);
    const threadId = threadOf(page)!;
    await page.reload();
    expect(threadOf(page)).toBe(threadId);
    // After the reload the page is fed by the rejoined stream: it shows the reply still growing while the run runs.
    const seen = await watchAiText(page, () =>
      expect.poll(() => lastAiText(page), { timeout: 30_000 }).toBe(SLOW_REPLY),
    );
    const partials = seen.filter((text) => text.length < SLOW_REPLY.length && SLOW_REPLY.startsWith(text));
    expect(partials.length).toBeGreaterThan(3);
    const [run] = await client.runs.list(threadId);
    expect((await client.runs.get(threadId, run.run_id)).status).toBe("success");
    await page.close();
  });
});
