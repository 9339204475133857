/**
 * A local stand-in for the streaming globals the Lambda Node.js runtime provides (`globalThis.awslambda`),
 * reproducing what its runtime client does:
 * - `streamifyResponse(fn)` only tags the function; the caller passes (event, responseStream, context).
 * - `HttpResponseStream.from(stream, prelude)` writes the JSON prelude and then 8 NUL bytes before the first
 *   body chunk, on the first write(); end() with no write before it sends no prelude at all.
 * The local HTTP server (http-server.ts) parses that prelude back into a status line and headers, the way
 * the function URL front end does.
 */
import type { Writable } from "node:stream";

export const PRELUDE_SEPARATOR = Buffer.alloc(8);
const STREAMING = Symbol.for("aws.lambda.runtime.handler.streaming");

class LocalHttpResponseStream {
  static from(stream: Writable, prelude: Record<string, unknown>): Writable {
    let preludeSent = false;
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (!preludeSent) {
        preludeSent = true;
        write(Buffer.concat([Buffer.from(JSON.stringify(prelude)), PRELUDE_SEPARATOR]));
      }
      return write(chunk, ...rest);
    }) as Writable["write"];
    return stream;
  }
}

/**
 * Fills in what is missing of `globalThis.awslambda` (the AWS SDK's invoke store creates the object, empty,
 * when it loads; the Lambda runtime provides the real members, which are never replaced).
 */
export function installAwslambdaGlobal(): void {
  const g = globalThis as { awslambda?: Record<string, unknown> };
  const awslambda = (g.awslambda ??= {});
  awslambda.streamifyResponse ??= <T extends (...args: never[]) => unknown>(fn: T): T => {
    (fn as unknown as Record<symbol, string>)[STREAMING] = "response";
    return fn;
  };
  awslambda.HttpResponseStream ??= LocalHttpResponseStream;
}
