import type { RunCreateBody } from "../schemas/runs.js";
import type { RunKwargs } from "../stores/run-kwargs.js";

/** The queue message that starts a run (see RunMessage). */
export function startMessage(run: { run_id: string; thread_id: string; kwargs: Pick<RunKwargs, "not_before"> }) {
  const notBefore = run.kwargs.not_before;
  return { run_id: run.run_id, thread_id: run.thread_id, ...(notBefore ? { not_before: notBefore } : {}) };
}

/** The HTTP request a run is created by (absent for a cron's runs and the protocol's commands). */
export interface RunRequest {
  headers: Headers;
  /** Scheme, host and port the client reached us at. */
  origin: string;
}

export function runRequestOf(req: Request): RunRequest {
  return { headers: req.headers, origin: new URL(req.url).origin };
}

/** Request headers the official server never copies into a run's configurable (credentials, tenancy). */
const UNCOPIED_HEADERS = new Set(["x-api-key", "x-tenant-id", "x-service-key"]);

/**
 * The request's `x-*` headers (but UNCOPIED_HEADERS) and `user-agent`, lower-cased, as the official server copies
 * them into every run's `config.configurable` (over the body's keys of the same name).
 */
export function configurableHeaders(headers: Headers): Record<string, string> {
  const copied: Record<string, string> = {};
  headers.forEach((value, name) => {
    const key = name.toLowerCase();
    if ((key.startsWith("x-") && !UNCOPIED_HEADERS.has(key)) || key === "user-agent") copied[key] = value;
  });
  return copied;
}

export function kwargsFrom(
  body: RunCreateBody,
  defaultDisconnect: "cancel" | "continue",
  graphId: string,
  request?: RunRequest,
): RunKwargs {
  const modes =
    body.stream_mode == null
      ? ["values" as const]
      : Array.isArray(body.stream_mode)
        ? body.stream_mode
        : [body.stream_mode];
  const config = { ...(body.config ?? {}) };
  const checkpointId = body.checkpoint_id ?? (body.checkpoint?.checkpoint_id as string | undefined);
  if (checkpointId) config.configurable = { ...(config.configurable ?? {}), checkpoint_id: checkpointId };
  // The whole `checkpoint` (checkpoint_ns, checkpoint_map …) goes into the configurable, as officially.
  if (body.checkpoint) config.configurable = { ...(config.configurable ?? {}), ...body.checkpoint };
  const headers = request ? configurableHeaders(request.headers) : {};
  if (Object.keys(headers).length > 0) config.configurable = { ...(config.configurable ?? {}), ...headers };
  const webhookIsPath = body.webhook?.startsWith("/") ?? false;
  return {
    graph_id: graphId,
    input: body.input ?? undefined,
    command: body.command ?? undefined,
    config,
    context: body.context ?? undefined,
    stream_mode: modes,
    stream_subgraphs: body.stream_subgraphs ?? false,
    stream_resumable: body.stream_resumable ?? false,
    interrupt_before: body.interrupt_before ?? undefined,
    interrupt_after: body.interrupt_after ?? undefined,
    checkpoint_id: checkpointId,
    on_disconnect: body.on_disconnect ?? defaultDisconnect,
    webhook: body.webhook ?? undefined,
    webhook_base: webhookIsPath ? request?.origin : undefined,
    not_before: body.after_seconds ? Date.now() + body.after_seconds * 1000 : undefined,
  };
}
