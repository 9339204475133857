/**
 * A JSON answer. Its text is kept with the Response, so that the writer of the response (lambda-url.ts) sends it in
 * one write instead of reading it back out of the body stream; and the body stream itself is made only if something
 * reads it (an http.app middleware, a test): a web Response made with a body builds a ReadableStream for it at once,
 * which costs more than the rest of a small read's answer.
 */
interface Kept {
  text: string;
  /** The same answer with its body made, once something asked for the body. */
  withBody?: Response;
}

const kept = new WeakMap<Response, Kept>();

/** Statuses whose response has no body (a Response with one is refused, as it was). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const text = JSON.stringify(body ?? null);
  const init = { status, headers: { "content-type": "application/json", ...headers } };
  const response = NULL_BODY_STATUSES.has(status) ? new Response(text, init) : new JsonResponse(null, init);
  kept.set(response, { text });
  return response;
}

/** The whole body of `response` when json() made it and nothing has read its body since; else undefined. */
export function jsonText(response: Response): string | undefined {
  return response.bodyUsed ? undefined : kept.get(response)?.text;
}

/**
 * A Response that makes its body on first use: each member that reads the body goes to a Response with the kept
 * text, the same status and this one's headers as they are then. Status, headers and the rest are this one's own.
 * (The members are set on the prototype below: the DOM types declare them as properties, which a class cannot
 * override.)
 */
class JsonResponse extends Response {}

function withBody(r: Response): Response {
  const k = kept.get(r)!;
  return (k.withBody ??= new Response(k.text, { status: r.status, statusText: r.statusText, headers: r.headers }));
}

const READERS = ["text", "json", "arrayBuffer", "blob", "formData", "bytes"] as const;

Object.defineProperties(JsonResponse.prototype, {
  body: {
    configurable: true,
    get(this: Response) {
      return withBody(this).body;
    },
  },
  bodyUsed: {
    configurable: true,
    get(this: Response) {
      return kept.get(this)?.withBody?.bodyUsed ?? false;
    },
  },
  clone: {
    configurable: true,
    writable: true,
    value(this: Response): Response {
      if (this.bodyUsed) return withBody(this).clone(); // refused, as any used body's clone is
      const copy = new JsonResponse(null, { status: this.status, statusText: this.statusText, headers: this.headers });
      kept.set(copy, { text: kept.get(this)!.text });
      return copy;
    },
  },
  ...Object.fromEntries(
    READERS.map((name) => [
      name,
      {
        configurable: true,
        writable: true,
        value(this: Response) {
          return (withBody(this) as unknown as Record<string, () => Promise<unknown>>)[name]();
        },
      },
    ]),
  ),
});
