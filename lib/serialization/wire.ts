/**
 * The one serialization module: graph state, chunks and errors as the JSON LangGraph Platform puts on the wire.
 * A LangChain message becomes `{...toDict().data, type}` — exactly what the official server emits
 * (see shared/reference/sse-sample.txt). Everything else is plain JSON; functions are dropped, cycles cut.
 */

export function toWire(value: unknown): unknown {
  return convert(value, new WeakSet());
}

function convert(value: unknown, seen: WeakSet<object>): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "function" || typeof value === "symbol") return undefined;
  if (typeof value !== "object") return typeof value === "number" && !Number.isFinite(value) ? null : value;
  if (seen.has(value)) return undefined;
  seen.add(value);
  try {
    const dictable = value as { toDict?: () => { type: string; data: Record<string, unknown> } };
    if (typeof dictable.toDict === "function") {
      const { type, data } = dictable.toDict();
      return convert({ ...data, type }, seen);
    }
    if (value instanceof Date) return value.toISOString();
    if (value instanceof Error) return serializeError(value);
    if (value instanceof Map) return convert(Object.fromEntries(value), seen);
    if (value instanceof Set) return convert([...value], seen);
    if (ArrayBuffer.isView(value))
      return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
    if (Array.isArray(value)) return value.map((item) => convert(item, seen) ?? null);
    const plain =
      typeof (value as { toJSON?: unknown }).toJSON === "function" && !isLangChainSerializable(value)
        ? (value as { toJSON(): unknown }).toJSON()
        : value;
    if (plain !== value) return convert(plain, seen);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key.startsWith("lc_") && isLangChainSerializable(value)) continue;
      const converted = convert(item, seen);
      if (converted !== undefined) out[key] = converted;
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/** LangChain's Serializable.toJSON() returns its constructor form ({lc, type, id, kwargs}): not what clients want. */
function isLangChainSerializable(value: object): boolean {
  return "lc_serializable" in value || "lc_kwargs" in value;
}

/** An error as the official server reports it in an `error` event: its `name` and `message`. */
export function serializeError(err: unknown): { error: string; message: string } {
  if (err instanceof Error) return { error: err.name, message: err.message };
  return { error: "Error", message: JSON.stringify(err) ?? String(err) };
}
