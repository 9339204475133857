/**
 * A run's `webhook`: when the run finishes, POST the run (with the thread's final values) to the URL. A few
 * attempts with backoff, each with a timeout; a webhook that keeps failing is logged, never fails the run.
 *
 * Addresses on this machine's network are refused unless allowed (PlatformOptions.webhookAllowPrivate): loopback,
 * link-local (which includes the cloud metadata service at 169.254.169.254), private and unspecified ranges —
 * checked on the address the connection is made to (the request resolves the name through `guardedLookup`), so a
 * public name pointing inside is refused too, even one that changes its answer between a check and the connection
 * (DNS rebinding).
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";

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

/**
 * `dns.lookup` for outgoing webhook connections that fails (EPRIVATEADDRESS) when any address the name resolves to
 * is private, loopback or link-local: the connection is made only to an address that was checked.
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, "", 0);
    if (addresses.length === 0 || addresses.some((a) => isPrivateAddress(a.address))) {
      const refused = Object.assign(new Error(`webhook host ${hostname} is a private, loopback or link-local address`), { code: "EPRIVATEADDRESS" });
      return callback(refused, "", 0);
    }
    if (options.all) return (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};

/** POSTs `payload`; resolves with the outcome (never throws). */
export async function sendWebhook(raw: string, payload: unknown, options: WebhookOptions): Promise<{ ok: boolean; status?: number; error?: string }> {
  const problem = webhookUrlProblem(raw);
  if (problem) return { ok: false, error: problem };
  const url = new URL(raw);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  // An address in the URL is never looked up: check it here. A name is checked as it is resolved to connect.
  if (!options.allowPrivate && isIP(host) && isPrivateAddress(host)) {
    return { ok: false, error: `webhook host ${host} is a private, loopback or link-local address` };
  }
  const body = JSON.stringify(payload);
  let last: { ok: boolean; status?: number; error?: string } = { ok: false };
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    if (attempt > 1) await new Promise((r) => setTimeout(r, Math.min(5_000, 200 * 2 ** attempt)));
    try {
      const status = await post(url, body, options);
      last = { ok: status >= 200 && status < 300, status };
      if (last.ok || (status >= 400 && status < 500 && status !== 429)) return last;
    } catch (err) {
      last = { ok: false, error: err instanceof Error ? err.message : String(err) };
      if ((err as { code?: string }).code === "EPRIVATEADDRESS") return last;
    }
  }
  return last;
}

/** One POST; resolves with the response status. A redirect is not followed (it could point inside). */
function post(url: URL, body: string, options: WebhookOptions): Promise<number> {
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), "user-agent": "lambdagraph-webhook" },
        lookup: options.allowPrivate ? undefined : guardedLookup,
        signal: AbortSignal.timeout(options.timeoutMs),
      },
      (res: IncomingMessage) => {
        res.resume(); // the answer's body is not read
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
