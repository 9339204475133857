import { describe, expect, it } from "vitest";
import { poolRandomValues } from "../../lib/runs/random-pool.js";

describe("crypto.getRandomValues with the pool", () => {
  poolRandomValues();

  it("fills and returns the array it is given, different bytes every call", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const bytes = new Uint8Array(16);
      expect(crypto.getRandomValues(bytes)).toBe(bytes);
      seen.add(Buffer.from(bytes).toString("hex"));
    }
    expect(seen.size).toBe(1000);
    const big = new Uint8Array(4096);
    expect(crypto.getRandomValues(big).some((b) => b !== 0)).toBe(true);
  });

  it("refuses what WebCrypto refuses", () => {
    expect(() => crypto.getRandomValues(new Float32Array(4) as never)).toThrow(/TypeMismatchError|must be an/);
    expect(() => crypto.getRandomValues(new Uint8Array(65_537))).toThrow(/exceeds|65536/);
    const { getRandomValues } = crypto;
    expect(() => getRandomValues(new Uint8Array(16))).toThrow();
  });
});
