/**
 * A JSON answer. Its text is also kept beside the Response (until the Response is collected), so that the writer of
 * the response (lambda-url.ts) sends it in one write instead of reading it back out of the body stream.
 */
const texts = new WeakMap<Response, string>();

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const text = JSON.stringify(body ?? null);
  const response = new Response(text, { status, headers: { "content-type": "application/json", ...headers } });
  texts.set(response, text);
  return response;
}

/** The whole body of `response` when json() made it and nothing has read its body since; else undefined. */
export function jsonText(response: Response): string | undefined {
  return response.bodyUsed ? undefined : texts.get(response);
}
