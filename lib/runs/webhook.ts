/**
 * A run's `webhook`: when the run finishes, POST the run (with the thread's final values) to the URL. A few
 * attempts with backoff, each with a timeout; a webhook that keeps failing is logged, never fails the run.
 *
 * Addresses on this machine's network are refused unless allowed (PlatformOptions.webhookAllowPrivate): loopback,
 * link-local (which includes the cloud metadata service at 169.254.169.254), private and unspecified ranges —
 * checked on the resolved address, so a public name pointing inside is refused too.
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";

export interface WebhookOptions {
  allowPrivate: boolean;
  timeoutMs: number;
  attempts: number;
}

/** Why this URL is not a webhook a client may give (undefined: it is acceptable). */
export function webhookUrlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "webhook must be an absolute URL";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "webhook must be an http(s) URL";
  if (url.username || url.password) return "webhook must not carry credentials in the URL";
  return undefined;
}

export function isPrivateAddress(address: string): boolean {
  const v4 = address.startsWith("::ffff:") ? address.slice(7) : address;
  if (isIP(v4) === 4) {
    const [a, b] = v4.split(".").map(Number);
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  const v6 = address.toLowerCase();
  return v6 === "::" || v6 === "::1" || v6.startsWith("fe8") || v6.startsWith("fe9") || v6.startsWith("fea") || v6.startsWith("feb") || v6.startsWith("fc") || v6.startsWith("fd");
}

/** POSTs `payload`; resolves with the outcome (never throws). */
export async function sendWebhook(raw: string, payload: unknown, options: WebhookOptions): Promise<{ ok: boolean; status?: number; error?: string }> {
  const problem = webhookUrlProblem(raw);
  if (problem) return { ok: false, error: problem };
  const url = new URL(raw);
  if (!options.allowPrivate) {
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const addresses = isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
    if (addresses.length === 0) return { ok: false, error: `webhook host ${host} does not resolve` };
    if (addresses.some(isPrivateAddress)) return { ok: false, error: `webhook host ${host} is a private, loopback or link-local address` };
  }
  const body = JSON.stringify(payload);
  let last: { ok: boolean; status?: number; error?: string } = { ok: false };
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    if (attempt > 1) await new Promise((r) => setTimeout(r, Math.min(5_000, 200 * 2 ** attempt)));
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "lambdagraph-webhook" },
        body,
        redirect: "manual", // a redirect could point inside; it is not followed
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      await res.body?.cancel();
      last = { ok: res.ok, status: res.status };
      if (res.ok || (res.status >= 400 && res.status < 500 && res.status !== 429)) return last;
    } catch (err) {
      last = { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  }
  return last;
}
