/** Server-sent events in LangGraph Platform's wire format. */

export interface SseEvent {
  event: string;
  data: unknown;
  id?: string;
}

export const HEARTBEAT = ": heartbeat\n\n";

export function formatSseEvent({ event, data, id }: SseEvent): string {
  return `event: ${event}\ndata: ${JSON.stringify(data ?? null)}\n${id === undefined ? "" : `id: ${id}\n`}\n`;
}

export function sseHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    "x-accel-buffering": "no",
    connection: "keep-alive",
    ...extra,
  };
}

/**
 * A streaming response that pulls SSE text from `source`, sending a heartbeat comment whenever the source has
 * been quiet for `heartbeatMs`. When the client goes away the source's `return()` runs, so it can clean up.
 */
export function sseResponse(
  source: AsyncIterable<string>,
  extraHeaders: Record<string, string> = {},
  options: { heartbeatMs?: number; onCancel?: () => void } = {},
): Response {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const iterator = source[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  let pending: Promise<IteratorResult<string>> | undefined;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      pending ??= iterator.next();
      let timer: NodeJS.Timeout | undefined;
      const beat = new Promise<"beat">((resolve) => {
        timer = setTimeout(() => resolve("beat"), heartbeatMs);
      });
      try {
        const result = await Promise.race([pending, beat]);
        if (result === "beat") {
          controller.enqueue(encoder.encode(HEARTBEAT));
          return;
        }
        pending = undefined;
        if (result.done) controller.close();
        else controller.enqueue(encoder.encode(result.value));
      } catch (err) {
        controller.error(err);
      } finally {
        clearTimeout(timer);
      }
    },
    async cancel() {
      options.onCancel?.();
      await iterator.return?.(undefined);
    },
  });
  return new Response(body, { status: 200, headers: sseHeaders(extraHeaders) });
}
