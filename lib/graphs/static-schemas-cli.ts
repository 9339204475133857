/**
 * `node --import tsx lib/graphs/static-schemas-cli.ts <out.json> < specs.json`: writes the static schemas of
 * the graphs named on stdin (GraphSpec[]) to out.json. The build runs it (infra/bundling.ts) in a child process,
 * so the CDK stack's synchronous synthesis can wait for it. (A file, not stdout: the TypeScript checker prints
 * its diagnostics there.)
 */
import { writeFileSync } from "node:fs";
import { text } from "node:stream/consumers";
import type { GraphSpec } from "./config.js";
import { extractStaticSchemas } from "./static-schemas.js";

const specs = JSON.parse(await text(process.stdin)) as GraphSpec[];
writeFileSync(process.argv[2], JSON.stringify(await extractStaticSchemas(specs)));
