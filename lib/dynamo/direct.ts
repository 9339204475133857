import * as ddb from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import { marshall, unmarshall, type marshallOptions, type unmarshallOptions } from "@aws-sdk/util-dynamodb";
import type { Act } from "./dynalite-actions.js";

/**
 * The document client's item commands, sent to an in-process dynalite without the SDK's per-call machinery and
 * without dynalite's HTTP handler: the command's input is marshalled as lib-dynamodb marshals it (util-dynamodb's
 * `marshall` at the command's own key nodes, the client's options), turned into what DynamoDB's JSON of it parses
 * to, and handed to dynalite's validation and action for the operation (lib/dynamo/dynalite-actions.ts); its answer
 * is unmarshalled at the command's output key nodes, and an error answer becomes the SDK's exception class for it.
 * What is gone is the middleware chain the SDK builds again for every call (two stacks merged and sorted, endpoint
 * and auth scheme resolution, schema serde), and the JSON text both ways, the request id and CRC32 of dynalite's
 * HTTP handler. Same requests, same answers.
 *
 * Only for clients nothing else hooks into: a client whose middleware stack is extended (the request meter, tests
 * watching requests) sends through the SDK again (see `createDocumentClient`).
 */

/** The DynamoDB operation behind each document command this path sends. */
const OPERATIONS = new Map<unknown, string>([
  [GetCommand, "GetItem"],
  [PutCommand, "PutItem"],
  [UpdateCommand, "UpdateItem"],
  [DeleteCommand, "DeleteItem"],
  [QueryCommand, "Query"],
  [ScanCommand, "Scan"],
  [BatchGetCommand, "BatchGetItem"],
  [BatchWriteCommand, "BatchWriteItem"],
]);

/** lib-dynamodb's key-node trees: null is the value itself, {} or [] every child, { "*": n } every child by n. */
type KeyNodes = null | Record<string, unknown> | unknown[];

interface DocumentCommand {
  input: Record<string, unknown>;
  inputKeyNodes: KeyNodes;
  outputKeyNodes: KeyNodes;
}

/** `f` applied where `nodes` points in `obj` (lib-dynamodb's processKeysInObj); the rest copied as is. */
function atKeyNodes(obj: unknown, nodes: KeyNodes, f: (value: unknown) => unknown): unknown {
  if (obj === undefined || obj === null || typeof obj !== "object") return nodes === null ? f(obj) : obj;
  if (nodes === null) return f(obj);
  const keys = Object.keys(nodes);
  const each = (g: (v: unknown) => unknown) =>
    Array.isArray(obj)
      ? obj.map(g)
      : Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, v === undefined ? undefined : g(v)]));
  if (keys.length === 0) return each(f);
  if (keys.length === 1 && keys[0] === "*")
    return each((v) => atKeyNodes(v, (nodes as Record<string, KeyNodes>)["*"], f));
  const out: Record<string, unknown> = Array.isArray(obj) ? ([...obj] as never) : { ...obj };
  for (const key of keys) {
    const value = (obj as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = atKeyNodes(value, (nodes as Record<string, KeyNodes>)[key], f);
  }
  return out;
}

/**
 * What `JSON.parse(JSON.stringify(value))` gives, without the text: binary values (the SDK's Uint8Array) as base64
 * as DynamoDB's JSON carries them, `toJSON` applied, undefined (and functions) left out of objects and null in
 * arrays, non-finite numbers null. An object or array that needs none of that is returned as it is (dynalite's
 * type check copies what it keeps, so nothing the caller holds is changed).
 */
function asJson(value: unknown, key = ""): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : null;
    case "bigint":
      throw new TypeError("Do not know how to serialize a BigInt");
    case "object":
      break;
    default:
      return undefined;
  }
  if (value === null) return null;
  if (value instanceof Uint8Array)
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return asJson(toJSON.call(value, key), key);
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const json = asJson(item, String(i)) ?? null;
      if (json !== item) (out ??= value.slice())[i] = json;
    }
    return out ?? value;
  }
  let out: Record<string, unknown> | undefined;
  const keys = Object.keys(value);
  for (const k of keys) {
    const item = (value as Record<string, unknown>)[k];
    const json = asJson(item, k);
    if (json === item && json !== undefined) continue;
    out ??= { ...(value as Record<string, unknown>) };
    if (json === undefined) delete out[k];
    else out[k] = json;
  }
  // Only own enumerable string keys survive JSON: a class instance or a Map is copied as such.
  if (!out && Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null)
    out = { ...(value as Record<string, unknown>) };
  return out ?? value;
}

const bytes = (base64: string) => {
  const buffer = Buffer.from(base64, "base64");
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
};

/** An AttributeValue as parsed from JSON, its B and BS values decoded to Uint8Array as the SDK decodes them. */
function withBinary(value: unknown): unknown {
  if (!value || typeof value !== "object") return value;
  const av = value as Record<string, unknown>;
  if (typeof av.B === "string") av.B = bytes(av.B);
  else if (Array.isArray(av.BS)) av.BS = av.BS.map((b) => (typeof b === "string" ? bytes(b) : b));
  else if (Array.isArray(av.L)) av.L.forEach(withBinary);
  else if (av.M && typeof av.M === "object") Object.values(av.M).forEach(withBinary);
  return value;
}

/** The SDK's exception for an error answer: its modelled class when it has one (instanceof holds), else generic. */
function toError(status: number, body: Record<string, unknown>, requestId: string | undefined): Error {
  const type = String(body.__type ?? "UnknownError");
  const name = type.slice(type.lastIndexOf("#") + 1);
  const message = String(body.message ?? body.Message ?? name);
  const $metadata = { httpStatusCode: status, requestId, attempts: 1, totalRetryDelay: 0 };
  const $fault = status >= 500 ? "server" : "client";
  const Modelled = (ddb as Record<string, unknown>)[name];
  const err =
    typeof Modelled === "function" && Modelled.prototype instanceof ddb.DynamoDBServiceException
      ? new (Modelled as new (o: object) => Error)({ message, $metadata, ...body })
      : new ddb.DynamoDBServiceException({ name, message, $fault, $metadata });
  return Object.assign(err, { __type: type, message });
}

export interface DirectSend {
  /** Whether this path sends `command` (a document item command); else the SDK's `send` does. */
  handles(command: unknown): boolean;
  send(command: unknown): Promise<unknown>;
}

export function directSend(
  act: Act,
  options: { marshallOptions?: marshallOptions; unmarshallOptions?: unmarshallOptions },
): DirectSend {
  const marshallOpts = { ...options.marshallOptions, convertTopLevelContainer: true };
  const unmarshallOpts = { ...options.unmarshallOptions, convertWithoutMapWrapper: true };
  const toAttr = (value: unknown) => marshall(value as never, marshallOpts);
  const fromAttr = (value: unknown) => unmarshall(withBinary(value) as never, unmarshallOpts);
  return {
    handles: (command) => OPERATIONS.has((command as object)?.constructor),
    async send(command) {
      const operation = OPERATIONS.get((command as object).constructor)!;
      const { input, inputKeyNodes, outputKeyNodes } = command as DocumentCommand;
      const request = asJson(atKeyNodes(input, inputKeyNodes, toAttr)) as Record<string, unknown>;
      const { status, body } = await act(operation, request);
      if (status >= 300) throw toError(status, body, undefined);
      // As written and read back: what dynalite leaves undefined (ConsumedCapacity when not asked for) is absent.
      const answer: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(body)) if (v !== undefined) answer[k] = v;
      const output = atKeyNodes(answer, outputKeyNodes, fromAttr) as Record<string, unknown>;
      output.$metadata = { httpStatusCode: status, requestId: undefined, attempts: 1, totalRetryDelay: 0 };
      return output;
    },
  };
}

/**
 * `client.send` through `direct` for the commands it handles, until anything extends the client's middleware
 * stack (then the SDK's own path, which runs that middleware, from then on).
 */
export function sendDirectly(client: DynamoDBDocumentClient, direct: DirectSend): void {
  const sdkSend = client.send.bind(client) as (...args: unknown[]) => Promise<unknown>;
  const stack = client.middlewareStack as unknown as Record<string, (...args: unknown[]) => unknown>;
  let extended = false;
  for (const method of ["add", "addRelativeTo", "use", "applyToStack"]) {
    const original = stack[method]?.bind(stack);
    if (!original) continue;
    stack[method] = (...args: unknown[]) => {
      extended = true;
      return original(...args);
    };
  }
  (client as unknown as { send: (...args: unknown[]) => Promise<unknown> }).send = (command, ...rest) =>
    !extended && rest.length === 0 && direct.handles(command) ? direct.send(command) : sdkSend(command, ...rest);
}
