/**
 * Reading a serialized value without LangGraph's reviver where it would change nothing. JsonPlusSerializer parses
 * JSON, then walks the result with an async function per node (a promise per object, array and leaf) to rebuild
 * what it had encoded as `{lc: …}` records: LangChain objects (messages), Set, Map, Error, undefined. JSON with no
 * `"lc"` key holds no such record, and the walk only copies it: JSON.parse alone gives the same value. (Text with a
 * `\u` escape could spell the key otherwise, and a `__proto__` key is copied differently, so both take the walk.)
 */
import { JsonPlusSerializer, type SerializerProtocol } from "@langchain/langgraph-checkpoint";

const decoder = new TextDecoder();

/** `serde.loadsTyped(type, data)`, without the reviver's walk when `serde` is LangGraph's own and there is nothing to revive. */
export function loadTyped(serde: SerializerProtocol, type: string, data: Uint8Array | string): Promise<unknown> {
  const ownSerde = (serde as object).constructor === JsonPlusSerializer;
  if (type !== "json" || !ownSerde) return serde.loadsTyped(type, data);
  const text = typeof data === "string" ? data : decoder.decode(data);
  if (text.includes('"lc"') || text.includes("\\u") || text.includes('"__proto__"'))
    return serde.loadsTyped(type, text);
  return Promise.resolve(JSON.parse(text));
}
