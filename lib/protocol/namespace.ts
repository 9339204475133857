/**
 * Namespaces: a path in the agent tree, one segment per graph level, each `node:<task id>` ([] is the root).
 * A filter segment without `:` matches any task of that node, as in the SDK and the official servers.
 */
export type Namespace = string[];

/** `node:<task id>` → `node`. */
export const segmentName = (segment: string): string => {
  const colon = segment.indexOf(":");
  return colon === -1 ? segment : segment.slice(0, colon);
};

export function isPrefixMatch(ns: Namespace, prefix: Namespace): boolean {
  if (prefix.length > ns.length) return false;
  return prefix.every((segment, i) => ns[i] === segment || (!segment.includes(":") && segmentName(ns[i]) === segment));
}

/** Exact prefix (no name matching): `ns` is `prefix` or below it. */
export const startsWith = (ns: Namespace, prefix: Namespace): boolean =>
  prefix.length <= ns.length && prefix.every((s, i) => ns[i] === s);

export const sameNamespace = (a: Namespace, b: Namespace): boolean => a.length === b.length && startsWith(a, b);

export const namespaceKey = (ns: Namespace): string => ns.join("|");

/** A stored v1 event name `mode|ns1|ns2` (subgraph events) → its mode and namespace. */
export function parseEventName(name: string): { mode: string; namespace: Namespace } {
  const [mode, ...namespace] = name.split("|");
  return { mode, namespace };
}

/** A checkpoint namespace string (`a:1|b:2`) → its segments. */
export const fromCheckpointNs = (checkpointNs: string): Namespace =>
  checkpointNs === "" ? [] : checkpointNs.split("|");
