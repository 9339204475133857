import { describe, expect, it } from "vitest";
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { JsonPlusSerializer } from "@langchain/langgraph-checkpoint";
import { loadTyped } from "../../lib/checkpoint/plain-json.js";

const serde = new JsonPlusSerializer();
const roundTrip = async (value: unknown) => {
  const [type, bytes] = await serde.dumpsTyped(value);
  return { viaSerde: await serde.loadsTyped(type, bytes), viaLoadTyped: await loadTyped(serde, type, bytes) };
};

describe("loadTyped: a serialized value read as LangGraph's serializer reads it", () => {
  it.each([
    ["plain JSON", { n: 4, log: ["a", "b"], nested: { deep: [1, { x: null }] }, empty: {}, list: [] }],
    ["messages", { messages: [new HumanMessage("hi"), new AIMessage({ content: "hello", id: "m1" })] }],
    [
      "Set, Map, Error and undefined",
      { set: new Set([1, 2]), map: new Map([["k", 1]]), err: new Error("x"), u: undefined },
    ],
    ["a lone surrogate", { s: "\ud800" }],
    ["bytes", new Uint8Array([1, 2, 3])],
  ])("%s", async (_name, value) => {
    const { viaSerde, viaLoadTyped } = await roundTrip(value);
    expect(viaLoadTyped).toEqual(viaSerde);
  });

  it.each([
    ["a record whose key is spelled with an escape", '{"v": {"\\u006cc": 2, "type": "undefined"}, "w": 1}'],
    ["a __proto__ key", '{"__proto__": {"polluted": true}, "a": 1}'],
  ])("%s", async (_name, text) => {
    const viaSerde = await serde.loadsTyped("json", text);
    const viaLoadTyped = await loadTyped(serde, "json", new TextEncoder().encode(text));
    expect(viaLoadTyped).toEqual(viaSerde);
    expect(Object.getPrototypeOf(viaLoadTyped)).toEqual(Object.getPrototypeOf(viaSerde));
  });

  it("reads with a serializer of the caller's own as that serializer does", async () => {
    class Upper extends JsonPlusSerializer {
      override async loadsTyped(type: string, data: Uint8Array | string) {
        return { wrapped: await super.loadsTyped(type, data) };
      }
    }
    const [type, bytes] = await serde.dumpsTyped({ a: 1 });
    expect(await loadTyped(new Upper(), type, bytes)).toEqual({ wrapped: { a: 1 } });
  });
});
