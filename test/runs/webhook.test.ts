/** Webhook targets: what is refused by default, and that a refused target is never contacted. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { isPrivateAddress, sendWebhook, webhookUrlProblem } from "../../lib/runs/webhook.js";

describe("webhooks", () => {
  it("classes loopback, link-local (the metadata service), private and unspecified addresses as private", () => {
    for (const address of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "0.0.0.0",
      "::1",
      "::",
      "fe80::1",
      "fd00::1",
      "::ffff:127.0.0.1",
    ]) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    for (const address of ["8.8.8.8", "172.32.0.1", "2606:4700::1111"])
      expect(isPrivateAddress(address), address).toBe(false);
  });

  it("refuses URLs that are not plain http(s)", () => {
    expect(webhookUrlProblem("ftp://example.com/x")).toMatch(/http/);
    expect(webhookUrlProblem("https://user:pw@example.com/x")).toMatch(/credentials/);
    expect(webhookUrlProblem("https://example.com/hook")).toBeUndefined();
  });

  it("never contacts a loopback target unless allowed", async () => {
    let hits = 0;
    const server = createServer((_req, res) => {
      hits++;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      const refused = await sendWebhook(url, { run_id: "r" }, { allowPrivate: false, timeoutMs: 1000, attempts: 1 });
      expect(refused.ok).toBe(false);
      expect(refused.error).toMatch(/private, loopback or link-local/);
      expect(hits).toBe(0);
      expect(
        await sendWebhook(url, { run_id: "r" }, { allowPrivate: true, timeoutMs: 1000, attempts: 1 }),
      ).toMatchObject({ ok: true, status: 200 });
      expect(hits).toBe(1);
      // A name is checked on the addresses the connection itself resolves (no separate check a rebinding DNS
      // answer could pass): `localhost` is refused when the request looks it up, before any connection.
      const byName = url.replace("127.0.0.1", "localhost");
      const refusedByName = await sendWebhook(
        byName,
        { run_id: "r" },
        { allowPrivate: false, timeoutMs: 1000, attempts: 3 },
      );
      expect(refusedByName).toMatchObject({
        ok: false,
        error: expect.stringMatching(/localhost is a private, loopback or link-local/),
      });
      expect(hits).toBe(1);
      expect(
        await sendWebhook(byName, { run_id: "r" }, { allowPrivate: true, timeoutMs: 1000, attempts: 1 }),
      ).toMatchObject({ ok: true, status: 200 });
      expect(hits).toBe(2);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
