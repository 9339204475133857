/**
 * The official server's loopback: an SDK `Client` made without `apiUrl` inside the server process (a custom route
 * of `http.app`, a graph node) sends its requests straight to this app, in process, instead of to
 * http://localhost:8123. The SDK looks for the fetch under this global symbol.
 */
const FETCH = Symbol.for("langgraph_api:fetch");

export function bindLoopbackFetch(app: (req: Request) => Promise<Response>): void {
  (globalThis as Record<symbol, unknown>)[FETCH] = (input: string | URL | Request, init?: RequestInit) =>
    app(new Request(input instanceof Request ? input : new URL(input, "http://localhost"), init));
}

/** The app bound in this process (undefined where none is served: the worker function on AWS). */
export function loopbackFetch(): ((input: string, init?: RequestInit) => Promise<Response>) | undefined {
  return (globalThis as Record<symbol, unknown>)[FETCH] as
    ((input: string, init?: RequestInit) => Promise<Response>) | undefined;
}
