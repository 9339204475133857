/**
 * A run's `webhook`: when the run finishes, POST the run (with the thread's final values) to the URL. A few
 * attempts with backoff, each with a timeout; a webhook that keeps failing is logged, never fails the run.
 *
 * A webhook given as a path (`/custom/webhook`), as the official server accepts, is a route of our own API (the
 * user's http.app): posted in process where this process serves the API (npm start; lib/extensions/loopback.ts),
 * else (the worker function on AWS) to the path on the origin the run was created through (the API's function URL).
 *
 * Addresses on this machine's network are refused unless allowed (PlatformOptions.webhookAllowPrivate): loopback,
 * link-local (which includes the cloud metadata service at 169.254.169.254), private and unspecified ranges —
 * checked on the address the connection is made to (the request resolves the name through `guardedLookup`), so a
 * public name pointing inside is refused too, even one that changes its answer between a check and the connection
 * (DNS rebinding).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { loopbackFetch } from "../extensions/loopback.js";

export interface WebhookOptions {
  allowPrivate: boolean;
  timeoutMs: number;
  attempts: number;
}

export interface WebhookTarget {
  /** For a path: the origin of the API it belongs to, used where the API is not served in this process. */
  base?: string;
}

const isPath = (raw: string) => raw.startsWith("/");

/** A path on `base`'s origin, never elsewhere (`//host/…` or `/\\host/…` would leave it). */
function pathOn(raw: string, base: string): URL | undefined {
  try {
    const url = new URL(raw, base);
    return url.origin === new URL(base).origin ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Why this URL is not a webhook a client may give (undefined: it is acceptable). */
export function webhookUrlProblem(raw: string): string | undefined {
  if (isPath(raw)) return pathOn(raw, "http://localhost") ? undefined : "webhook path must be a path on this server";
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
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 100 && b >= 64 && b <= 127)
    );
  }
  const v6 = address.toLowerCase();
  return (
    v6 === "::" ||
    v6 === "::1" ||
    v6.startsWith("fe8") ||
    v6.startsWith("fe9") ||
    v6.startsWith("fea") ||
    v6.startsWith("feb") ||
    v6.startsWith("fc") ||
    v6.startsWith("fd")
  );
}

/**
 * `dns.lookup` for outgoing webhook connections that fails (EPRIVATEADDRESS) when any address the name resolves to
 * is private, loopback or link-local: the connection is made only to an address that was checked.
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, "", 0);
    if (addresses.length === 0 || addresses.some((a) => isPrivateAddress(a.address))) {
      const refused = Object.assign(
        new Error(`webhook host ${hostname} is a private, loopback or link-local address`),
        { code: "EPRIVATEADDRESS" },
      );
      return callback(refused, "", 0);
    }
    if (options.all) return (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};

/** POSTs `payload`; resolves with the outcome (never throws). */
export async function sendWebhook(
  raw: string,
  payload: unknown,
  options: WebhookOptions,
  target: WebhookTarget = {},
): Promise<{ ok: boolean; status?: number; error?: string }> {
  const problem = webhookUrlProblem(raw);
  if (problem) return { ok: false, error: problem };
  const body = JSON.stringify(payload);
  const app = isPath(raw) ? loopbackFetch() : undefined;
  if (app) return withRetries(options, () => postInProcess(app, raw, body, options));
  const url = isPath(raw) ? (target.base ? pathOn(raw, target.base) : undefined) : new URL(raw);
  if (!url)
    return {
      ok: false,
      error: `webhook ${raw} is a path, and this process neither serves the API nor knows its origin`,
    };
  const host = url.hostname.replace(/^\[|\]$/g, "");
  // An address in the URL is never looked up: check it here. A name is checked as it is resolved to connect.
  if (!options.allowPrivate && isIP(host) && isPrivateAddress(host)) {
    return { ok: false, error: `webhook host ${host} is a private, loopback or link-local address` };
  }
  return withRetries(options, () => post(url, body, options));
}

async function withRetries(
  options: WebhookOptions,
  send: () => Promise<number>,
): Promise<{ ok: boolean; status?: number; error?: string }> {
  let last: { ok: boolean; status?: number; error?: string } = { ok: false };
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    if (attempt > 1) await sleep(Math.min(5_000, 200 * 2 ** attempt));
    try {
      const status = await send();
      last = { ok: status >= 200 && status < 300, status };
      if (last.ok || (status >= 400 && status < 500 && status !== 429)) return last;
    } catch (err) {
      last = { ok: false, error: err instanceof Error ? err.message : String(err) };
      if ((err as { code?: string }).code === "EPRIVATEADDRESS") return last;
    }
  }
  return last;
}

/** One POST to our own app, in process (through the key check and the user's http.app, as any request). */
async function postInProcess(
  app: (input: string, init?: RequestInit) => Promise<Response>,
  path: string,
  body: string,
  options: WebhookOptions,
): Promise<number> {
  const res = await app(path, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", "user-agent": "lambdagraph-webhook" },
    signal: AbortSignal.timeout(options.timeoutMs),
  });
  await res.body?.cancel().catch(() => undefined); // the answer's body is not read
  return res.status;
}

/** One POST; resolves with the response status. A redirect is not followed (it could point inside). */
function post(url: URL, body: string, options: WebhookOptions): Promise<number> {
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "user-agent": "lambdagraph-webhook",
        },
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
