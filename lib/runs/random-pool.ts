import { randomFillSync, type webcrypto as WebCrypto } from "node:crypto";

/**
 * LangChain and LangSmith take 16 random bytes from `crypto.getRandomValues` for every id they make (callback run
 * ids, run trees, checkpoint ids): dozens per run, and each call crosses into Node's WebCrypto layer and the OS
 * (about 20 µs here, several percent of a run's CPU under load). Small requests are served from a pool filled 4 KB
 * at a time from the same CSPRNG (`randomFillSync`), as Node's own `crypto.randomUUID` does; anything else (other
 * typed arrays, larger requests, a wrong `this`) goes to WebCrypto as before.
 */

const POOL_BYTES = 4096;
/** Requests up to this many bytes come from the pool. */
const POOLED_MAX = 64;
const PATCHED = Symbol.for("lambdagraph.pooledRandomValues");

export function poolRandomValues(): void {
  const webcrypto = globalThis.crypto as WebCrypto.Crypto & { [PATCHED]?: true };
  if (!webcrypto || webcrypto[PATCHED]) return;
  const original = webcrypto.getRandomValues;
  const pool = Buffer.allocUnsafe(POOL_BYTES);
  let used = POOL_BYTES;
  webcrypto.getRandomValues = function getRandomValues<T extends ArrayBufferView | null>(this: unknown, array: T): T {
    if (this !== webcrypto || !(array instanceof Uint8Array) || array.byteLength > POOLED_MAX)
      return Reflect.apply(original, this, [array]) as T;
    const n = array.byteLength;
    if (used + n > POOL_BYTES) {
      randomFillSync(pool);
      used = 0;
    }
    array.set(pool.subarray(used, used + n));
    used += n;
    return array;
  };
  webcrypto[PATCHED] = true;
}
