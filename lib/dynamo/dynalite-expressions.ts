import { createRequire } from "node:module";

/**
 * dynalite parses every expression of every request with its PEG parsers (condition, update, projection), and that
 * parsing was the largest part of its CPU under `npm start` (about 8% of the server's CPU per run). The stores use
 * a few dozen expression shapes, so the parse of each shape is kept: a request whose expression, attribute names,
 * attribute value names and types, and not-yet-used names and values match an earlier one gets that parse again,
 * with its own attribute values put where the earlier ones were, and marks the same names and values as used.
 *
 * What the parsers check depends on those inputs only, except for two checks that read values themselves (BETWEEN's
 * bounds are compared, attribute_type's type name is checked): expressions with either are parsed every time. A
 * parse that fails is never kept (it throws, with the message dynalite answers).
 */

interface ParseContext {
  attrNames?: Record<string, string>;
  attrVals?: Record<string, Record<string, unknown>>;
  unusedAttrNames: Record<string, boolean>;
  unusedAttrVals: Record<string, boolean>;
  isKeyCondition?: boolean;
}

interface Parser {
  parse(expression: string, options: { context: ParseContext }): unknown;
}

interface Kept {
  /** The parse, with a `Slot` where each attribute value was. */
  template: unknown;
  usedNames: string[];
  usedValues: string[];
}

/** Where an attribute value goes in a kept parse. */
class Slot {
  constructor(readonly name: string) {}
}

const VALUE_DEPENDENT = /between|attribute_type/i;
const PATCHED = Symbol.for("lambdagraph.dynaliteExpressionCache");
/** More shapes than this means expressions are not shapes (generated per request): stop keeping them. */
const MAX_KEPT = 2_000;

const isPlain = (value: object) => {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

/** A deep copy of a parse's arrays and plain objects, each node passed through `swap` first. */
function copy(node: unknown, swap: (node: object) => unknown): unknown {
  if (node === null || typeof node !== "object") return node;
  const swapped = swap(node);
  if (swapped !== node) return swapped;
  if (Array.isArray(node)) return node.map((item) => copy(item, swap));
  if (!isPlain(node)) return node;
  const out: Record<string, unknown> = Object.create(Object.getPrototypeOf(node));
  for (const key of Object.keys(node)) out[key] = copy((node as Record<string, unknown>)[key], swap);
  return out;
}

function shapeOf(expression: string, c: ParseContext): string {
  const values = c.attrVals ? Object.keys(c.attrVals).map((k) => `${k}:${Object.keys(c.attrVals![k] ?? {})[0]}`) : [];
  return [
    expression,
    JSON.stringify(c.attrNames ?? null),
    values.join(","),
    Object.keys(c.unusedAttrNames).join(","),
    Object.keys(c.unusedAttrVals).join(","),
    c.isKeyCondition ? "key" : "",
  ].join("\u0000");
}

function keepParses(parser: Parser): void {
  const parse = parser.parse.bind(parser);
  const kept = new Map<string, Kept>();
  parser.parse = (expression, options) => {
    const c = options.context;
    if (VALUE_DEPENDENT.test(expression) || kept.size >= MAX_KEPT) return parse(expression, options);
    const shape = shapeOf(expression, c);
    const hit = kept.get(shape);
    if (hit) {
      for (const name of hit.usedNames) delete c.unusedAttrNames[name];
      for (const name of hit.usedValues) delete c.unusedAttrVals[name];
      return copy(hit.template, (node) => (node instanceof Slot ? c.attrVals![node.name] : node));
    }
    const namesBefore = Object.keys(c.unusedAttrNames);
    const valuesBefore = Object.keys(c.unusedAttrVals);
    const result = parse(expression, options);
    const slots = new Map<object, Slot>(Object.entries(c.attrVals ?? {}).map(([name, v]) => [v, new Slot(name)]));
    kept.set(shape, {
      template: copy(result, (node) => slots.get(node) ?? node),
      usedNames: namesBefore.filter((name) => !(name in c.unusedAttrNames)),
      usedValues: valuesBefore.filter((name) => !(name in c.unusedAttrVals)),
    });
    return result;
  };
}

/** Keeps the parses of dynalite's expression parsers in this process (once; dynalite's modules are shared). */
export function keepDynaliteParses(): void {
  const require = createRequire(import.meta.url);
  for (const file of ["conditionParser", "updateParser", "projectionParser"]) {
    const parser = require(`dynalite/db/${file}.js`) as Parser & { [PATCHED]?: true };
    if (parser[PATCHED]) continue;
    keepParses(parser);
    parser[PATCHED] = true;
  }
}
