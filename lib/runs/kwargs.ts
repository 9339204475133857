import type { RunCreateBody, StreamMode } from "../schemas/runs.js";

/** What a run keeps of its create request, to execute it later (stored as the run's `kwargs`). */
export interface RunKwargs {
  /** The assistant's graph, fixed when the run is created. */
  graph_id: string;
  input?: unknown;
  command?: RunCreateBody["command"];
  config?: Record<string, unknown>;
  context?: Record<string, unknown>;
  stream_mode: StreamMode[];
  stream_subgraphs: boolean;
  stream_resumable: boolean;
  interrupt_before?: "*" | string[];
  interrupt_after?: "*" | string[];
  checkpoint_id?: string;
  on_disconnect: "cancel" | "continue";
  webhook?: string;
  /** A stateless run (POST /runs…): what becomes of its temporary thread when it finishes. */
  on_completion?: "delete" | "keep";
  /** Epoch ms before which the run must not start (from `after_seconds`). */
  not_before?: number;
}

/** The queue message that starts a run (see RunMessage). */
export function startMessage(run: { run_id: string; thread_id: string; kwargs: Record<string, unknown> }) {
  const notBefore = (run.kwargs as unknown as RunKwargs).not_before;
  return { run_id: run.run_id, thread_id: run.thread_id, ...(notBefore ? { not_before: notBefore } : {}) };
}

export function kwargsFrom(body: RunCreateBody, defaultDisconnect: "cancel" | "continue", graphId: string): RunKwargs {
  const modes = body.stream_mode == null ? ["values" as const] : Array.isArray(body.stream_mode) ? body.stream_mode : [body.stream_mode];
  const config = { ...(body.config ?? {}) };
  const checkpointId = body.checkpoint_id ?? (body.checkpoint?.checkpoint_id as string | undefined);
  if (checkpointId) config.configurable = { ...(config.configurable ?? {}), checkpoint_id: checkpointId };
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
    not_before: body.after_seconds ? Date.now() + body.after_seconds * 1000 : undefined,
  };
}
