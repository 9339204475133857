// A fresh Node process that imports a built function bundle and answers one function URL event, timing both.
// Run by bench/cold-start.ts: node bench/cold-start.mjs <bundle> <event.json>. Prints one JSON line.
import { readFileSync } from "node:fs";
import { Writable } from "node:stream";
import { pathToFileURL } from "node:url";

const t0 = performance.now();
// The Lambda runtime provides these globals; this is the minimal stand-in (see lib/local/streamify-shim.ts).
globalThis.awslambda ??= {};
globalThis.awslambda.streamifyResponse ??= (fn) => fn;
globalThis.awslambda.HttpResponseStream ??= {
  from(stream, prelude) {
    let sent = false;
    const write = stream.write.bind(stream);
    stream.write = (chunk, ...rest) => {
      if (!sent) {
        sent = true;
        write(Buffer.concat([Buffer.from(JSON.stringify(prelude)), Buffer.alloc(8)]));
      }
      return write(chunk, ...rest);
    };
    return stream;
  },
};
const [bundle, eventFile] = process.argv.slice(2);
const { handler } = await import(pathToFileURL(bundle).href);
const imported = performance.now();
const chunks = [];
const out = new Writable({
  write(chunk, _e, done) {
    chunks.push(Buffer.from(chunk));
    done();
  },
});
await handler(JSON.parse(readFileSync(eventFile, "utf8")), out, { getRemainingTimeInMillis: () => 900_000 });
const answered = performance.now();
const all = Buffer.concat(chunks);
const status = JSON.parse(all.subarray(0, all.indexOf(Buffer.alloc(8))).toString()).statusCode;
console.log(JSON.stringify({ importMs: imported - t0, firstResponseMs: answered - t0, status }));
