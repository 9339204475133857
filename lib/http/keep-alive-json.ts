/**
 * A JSON answer that may take minutes (`runs/wait`, `join`). If it is ready within `heartbeatMs` it is an ordinary
 * response. Otherwise the response starts (200, `application/json`) and a newline goes out every `heartbeatMs`
 * until the answer follows: JSON parsers skip leading whitespace, proxies and load balancers see a live
 * connection, and a client that has gone is noticed at the next write (nothing else tells a Lambda function).
 * A failure after the response has started is sent as `{"__error__": {error, message}}`, the form `wait` uses for
 * a failed run.
 */
import { errorMessage } from "./errors.js";
import { json } from "./json.js";

const NEWLINE = new TextEncoder().encode("\n");

export async function keepAliveJson(
  answer: (signal: AbortSignal) => Promise<unknown>,
  options: {
    heartbeatMs: number;
    headers?: Record<string, string>;
    signal?: AbortSignal;
    onDisconnect?: () => Promise<void>;
  },
): Promise<Response> {
  const abort = new AbortController();
  options.signal?.addEventListener("abort", () => abort.abort(), { once: true }); // (AbortSignal.any needs Node 20.3)
  const result = answer(abort.signal).then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  let timer: NodeJS.Timeout | undefined;
  const early = await Promise.race([
    result,
    new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), options.heartbeatMs))),
  ]);
  clearTimeout(timer);
  if (early !== "late") {
    if ("error" in early) throw early.error;
    return json(early.value, 200, options.headers);
  }
  let beat: NodeJS.Timeout | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(NEWLINE);
      beat = setInterval(() => controller.enqueue(NEWLINE), options.heartbeatMs);
      void result.then(async (outcome) => {
        clearInterval(beat);
        if (abort.signal.aborted) return; // the client has gone
        const value = "error" in outcome ? await asRunError(outcome.error) : (outcome.value ?? null);
        controller.enqueue(new TextEncoder().encode(JSON.stringify(value)));
        controller.close();
      });
    },
    async cancel() {
      clearInterval(beat);
      abort.abort();
      await options.onDisconnect?.();
    },
  });
  return new Response(body, { status: 200, headers: { "content-type": "application/json", ...options.headers } });
}

/** An error thrown once the response has started, in the `__error__` form. */
async function asRunError(error: unknown): Promise<{ __error__: { error: string; message: string } }> {
  return { __error__: { error: error instanceof Error ? error.name : "Error", message: errorMessage(error) } };
}
