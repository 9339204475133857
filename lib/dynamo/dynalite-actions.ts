import { createRequire } from "node:module";
import type { Server } from "node:http";
import dynalite, { type DynaliteOptions } from "dynalite";

/**
 * dynalite's operations called as its HTTP handler calls them, without the handler: the request's types are checked
 * and it is validated by dynalite's own validation modules, then dynalite's action module for the operation runs on
 * its store, so every check, conditional write, limit and error is dynalite's. What is skipped is what only the HTTP
 * shape needs: the JSON text of request and answer (the request is handed over as the object DynamoDB's JSON
 * parses to, the answer as the object it would have written), the random request id and CRC32 of every answer, and
 * the header checks (content type, target, SigV4 shape).
 */

/** An answer as dynalite's handler would write it: its status and the body it would serialize. */
export interface ActionAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Runs one DynamoDB operation (`PutItem`, `Query`, ...) on the store. `input` is DynamoDB's JSON as parsed (binary
 * values as base64 strings) and becomes dynalite's (it is checked in place, as a parsed body is).
 */
export type Act = (operation: string, input: Record<string, unknown>) => Promise<ActionAnswer>;

/** An error dynalite answers with (its validation and action errors carry the status and body to send). */
interface DynaliteError extends Error {
  statusCode?: number;
  body?: Record<string, unknown>;
}

type Callback = (err: DynaliteError | null | undefined, data?: Record<string, unknown>) => void;
type Action = (store: unknown, data: Record<string, unknown>, cb: Callback) => void;

interface ValidationModule {
  types: Record<string, unknown>;
  custom?: unknown;
}

interface Validations {
  checkTypes(data: Record<string, unknown>, types: Record<string, unknown>): Record<string, unknown>;
  checkValidations(data: Record<string, unknown>, types: unknown, custom: unknown, store: unknown): void;
}

const require = createRequire(import.meta.url);

/** dynalite's server, with the store its handler serves (which dynalite keeps to itself) and `act` on that store. */
export function startDynaliteStore(options: DynaliteOptions): { server: Server; act: Act } {
  const db = require("dynalite/db/index.js") as { create: (options: DynaliteOptions) => unknown };
  const create = db.create;
  let store: unknown;
  db.create = (o) => (store = create(o));
  let server: Server;
  try {
    server = dynalite(options);
  } finally {
    db.create = create;
  }
  if (!store) throw new Error("dynalite did not create its store through dynalite/db (a dynalite version change?)");
  return { server, act: actOn(store) };
}

const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

interface Store {
  tableDb: Record<"put" | "del" | "batch", (...args: unknown[]) => unknown>;
  getTable(name: string, checkStatus: unknown, cb?: unknown): void;
}

type TableCallback = (err: DynaliteError | null, table?: { TableStatus?: string }) => void;

/**
 * `store` with a `getTable` that keeps each ACTIVE table's description: dynalite reads it from its database and
 * parses its JSON on every item operation (a promise and a setImmediate each, about a tenth of its CPU per call).
 * Any write of any table description (create, update, delete, status changes) forgets them all, and a read that
 * overlapped a write is not kept. Item actions only read the description.
 */
function keepingTables(store: Store): Store {
  const kept = new Map<string, { TableStatus?: string }>();
  let writes = 0;
  for (const method of ["put", "del", "batch"] as const) {
    const original = store.tableDb[method].bind(store.tableDb);
    store.tableDb[method] = (...args: unknown[]) => {
      writes++;
      kept.clear();
      return original(...args);
    };
  }
  const getTable = store.getTable.bind(store);
  const derived = Object.create(store) as Store;
  derived.getTable = (name, checkStatus, cb) => {
    const callback = (typeof checkStatus === "function" ? checkStatus : cb) as TableCallback;
    const table = kept.get(name);
    if (table) return process.nextTick(callback, null, table);
    const before = writes;
    const keep = (err: DynaliteError | null, found?: { TableStatus?: string }) => {
      if (!err && found?.TableStatus === "ACTIVE" && writes === before) kept.set(name, found);
      callback(err, found);
    };
    // getTable(name, cb) checks the status (its cb in the status's place): so does getTable(name, keep).
    if (typeof checkStatus === "function") getTable(name, keep);
    else getTable(name, checkStatus, keep);
  };
  return derived;
}

function actOn(dynaliteStore: unknown): Act {
  const store = keepingTables(dynaliteStore as Store);
  const validations = require("dynalite/validations/index.js") as Validations;
  const modules = new Map<string, { action: Action; validation: ValidationModule }>();
  const moduleFor = (operation: string) => {
    let found = modules.get(operation);
    if (!found) {
      if (!/^[A-Z][A-Za-z]+$/.test(operation)) throw new Error(`not a DynamoDB operation: ${operation}`);
      const name = lowerFirst(operation);
      found = {
        action: require(`dynalite/actions/${name}.js`) as Action,
        validation: require(`dynalite/validations/${name}.js`) as ValidationModule,
      };
      modules.set(operation, found);
    }
    return found;
  };
  const refusal = (err: unknown): ActionAnswer | undefined => {
    const e = err as DynaliteError | undefined;
    return e?.statusCode ? { status: e.statusCode, body: e.body ?? {} } : undefined;
  };
  return (operation, input) =>
    new Promise((resolve, reject) => {
      try {
        const { action, validation } = moduleFor(operation);
        const data = validations.checkTypes(input, validation.types);
        validations.checkValidations(data, validation.types, validation.custom, store);
        action(store, data, (err, output) => {
          if (err) {
            const answer = refusal(err);
            return answer ? resolve(answer) : reject(err);
          }
          resolve({ status: 200, body: output ?? {} });
        });
      } catch (err) {
        const answer = refusal(err);
        if (answer) resolve(answer);
        else reject(err);
      }
    });
}
