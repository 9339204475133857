/**
 * Imported by a function bundle's generated entry (infra/bundling.ts) before the graph modules: ES modules run in
 * import order and this one awaits, so a graph that reads process.env at import time sees its secrets.
 */
import { loadGraphSecrets } from "./graph-secrets.js";

await loadGraphSecrets();
