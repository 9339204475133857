/**
 * Worker thread of extractStaticSchemas (static-schemas.ts): the official static extractor
 * (`getStaticGraphSchema` of `@langchain/langgraph-api/schema`) with one difference, that a class is named
 * without its type arguments: `BaseMessage`, not `BaseMessage<MessageStructure<MessageToolSet>,MessageType>`.
 *
 * langchain v1 made the message classes generic. The released extractor (langgraph-api 1.5.1) names a class
 * by the checker's typeToString, arguments included, and finds the classes extending an abstract one by that
 * name, so `BaseMessage`'s `oneOf` kept RemoveMessage alone (the one subclass written with the same arguments)
 * and lost AIMessage, HumanMessage, ToolMessage and the rest. The official API suite
 * (langgraphjs libs/langgraph-api/tests/schema-expectations.mts) expects the bare names and the whole oneOf,
 * as the extractor gave under langchain v0.
 *
 * The extractor imports `typescript`, whose exports cannot be reassigned; so before it first loads, this
 * worker (a module registry of its own) puts in the require cache a copy of them whose createProgram hands out
 * checkers with two methods wrapped: typeToString (the names) and getPropertiesOfType (a generic class found
 * this way is described with its default type arguments). Nothing else changes.
 */
import { createRequire, Module } from "node:module";
import { fileURLToPath } from "node:url";
import { parentPort, workerData } from "node:worker_threads";
import type * as TS from "typescript";

/** What the worker is given: graph id → its file and export, as getStaticGraphSchema takes them. */
export type WorkerInput = Record<string, { sourceFile: string; exportSymbol: string }>;

/** What the worker posts back. */
export type WorkerOutput = { schemas: Record<string, unknown> } | { error: string };

const EXTRACTOR = "@langchain/langgraph-api/schema";

/** `import("/x/base").BaseMessage<A<B>, C>` → `import("/x/base").BaseMessage` (quoted paths left alone). */
export function withoutTypeArguments(text: string): string {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') quoted = !quoted;
    else if (text[i] === "<" && !quoted) return text.endsWith(">") ? text.slice(0, i) : text;
  }
  return text;
}

function bareClassNames(ts: typeof TS, checker: TS.TypeChecker): void {
  const typeToString = checker.typeToString.bind(checker);
  const getPropertiesOfType = checker.getPropertiesOfType.bind(checker);
  const isGenericClass = (type: TS.Type) =>
    (type.flags & ts.TypeFlags.Object) !== 0 &&
    ((type as TS.ObjectType).objectFlags & ts.ObjectFlags.Reference) !== 0 &&
    ((type.getSymbol()?.flags ?? 0) & ts.SymbolFlags.Class) !== 0 &&
    checker.getTypeArguments(type as TS.TypeReference).length > 0;
  // Untruncated first: a long name is cut short with "...", its arguments then unseparable from the name.
  checker.typeToString = (type, node, flags) =>
    isGenericClass(type)
      ? withoutTypeArguments(typeToString(type, node, (flags ?? 0) | ts.TypeFormatFlags.NoTruncation))
      : typeToString(type, node, flags);
  // Named bare, the classes extending an abstract one are found, and described by their declared type, whose
  // properties still hold its type parameters (which the extractor cannot describe): describe instead the class
  // with its default type arguments, as `AIMessage` written without arguments means.
  const defaults = new Map<TS.Type, TS.Type | undefined>();
  checker.getPropertiesOfType = (type) => {
    if (!defaults.has(type)) defaults.set(type, withDefaultArguments(ts, checker, type));
    return getPropertiesOfType(defaults.get(type) ?? type);
  };
}

/**
 * A generic class's declared type (`AIMessage<TStructure>`) with its default type arguments, read from a reference
 * without arguments in the file declaring it (`obj is AIMessage`); undefined for anything else, or if there is none.
 */
function withDefaultArguments(ts: typeof TS, checker: TS.TypeChecker, type: TS.Type): TS.Type | undefined {
  const symbol = type.getSymbol();
  const declaration = symbol?.declarations?.find(ts.isClassDeclaration);
  if (!symbol || !declaration?.typeParameters?.every((parameter) => parameter.default)) return undefined;
  if (!((type as TS.ObjectType).objectFlags & ts.ObjectFlags.ClassOrInterface)) return undefined;
  let found: TS.TypeReferenceNode | undefined;
  const visit = (node: TS.Node): void => {
    if (found) return;
    if (ts.isTypeReferenceNode(node) && !node.typeArguments && checker.getSymbolAtLocation(node.typeName) === symbol)
      found = node;
    else ts.forEachChild(node, visit);
  };
  visit(declaration.getSourceFile());
  return found && checker.getTypeFromTypeNode(found);
}

/** Makes the `typescript` module the extractor will import (resolved from where it lives) name classes bare. */
function patchTypeScriptFor(extractorEntry: string): void {
  const require = createRequire(extractorEntry);
  const file = require.resolve("typescript");
  const ts = require("typescript") as typeof TS;
  const patched = new WeakSet<TS.TypeChecker>();
  const createProgram = ((...args: Parameters<typeof ts.createProgram>) => {
    const program = (ts.createProgram as (...a: unknown[]) => TS.Program)(...args);
    const getTypeChecker = program.getTypeChecker.bind(program);
    program.getTypeChecker = () => {
      const checker = getTypeChecker();
      if (!patched.has(checker)) {
        bareClassNames(ts, checker);
        patched.add(checker);
      }
      return checker;
    };
    return program;
  }) as typeof ts.createProgram;
  // ESM imports of a CommonJS module read its cached exports' own properties: a plain copy, createProgram replaced.
  const copy = new Module(file);
  copy.filename = file;
  copy.loaded = true;
  copy.exports = { ...ts, createProgram };
  require.cache[file] = copy;
}

async function extract(input: WorkerInput): Promise<WorkerOutput> {
  try {
    const entry = fileURLToPath(import.meta.resolve(EXTRACTOR));
    patchTypeScriptFor(entry);
    const { getStaticGraphSchema } = (await import(EXTRACTOR)) as typeof import("@langchain/langgraph-api/schema");
    // mainThread: in this worker's thread (the extractor would otherwise start a worker of its own, unpatched).
    const schemas = (await getStaticGraphSchema(input, { mainThread: true })) as Record<string, unknown>;
    return { schemas };
  } catch (err) {
    return { error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
}

if (parentPort && workerData) parentPort.postMessage(await extract(workerData as WorkerInput));
