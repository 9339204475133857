/**
 * When the current Lambda invocation ends (its timeout), for the streams that follow a thread and would otherwise
 * stay open until the function is killed: a stream cut by the timeout bills the whole timeout and ends the
 * invocation as an error. Such a stream ends cleanly STREAM_END_MARGIN_MS before, and the client rejoins.
 * Set per request by lib/http/lambda-url.ts from the invocation's context (under `npm start` too: the local shim's
 * context gives each request the same 15 minutes).
 */
import { AsyncLocalStorage } from "node:async_hooks";

const deadlines = new AsyncLocalStorage<number>();

/** How long before the invocation's end a following stream closes: time to end the response and flush logs. */
export const STREAM_END_MARGIN_MS = 10_000;

/** Runs `fn` (a request) with the invocation ending at `deadlineMs` (epoch ms). */
export function withInvocationDeadline<T>(deadlineMs: number, fn: () => T): T {
  return deadlines.run(deadlineMs, fn);
}

/**
 * Aborts `controller` STREAM_END_MARGIN_MS before the current invocation ends (at once if that is already past);
 * nothing outside an invocation. Returns the function that cancels it (call it when the stream ends first).
 */
export function abortBeforeDeadline(controller: AbortController): () => void {
  const deadline = deadlines.getStore();
  if (deadline === undefined) return () => undefined;
  const timer = setTimeout(() => controller.abort(), Math.max(0, deadline - STREAM_END_MARGIN_MS - Date.now()));
  timer.unref();
  return () => clearTimeout(timer);
}
