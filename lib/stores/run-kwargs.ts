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
  /** For a `webhook` given as a path: the origin of the request that created the run, to reach our own API from a
   * process that does not serve it (the worker function on AWS). */
  webhook_base?: string;
  /** A stateless run (POST /runs…): what becomes of its temporary thread when it finishes. */
  on_completion?: "delete" | "keep";
  /** Epoch ms before which the run must not start (from `after_seconds`). */
  not_before?: number;
  /**
   * Started through the protocol's commands (POST /threads/{id}/commands): the graph's stream transformers run over
   * its events (lib/runs/transformers.ts), as on the official server, which streams such runs through
   * streamEvents v3 (its other runs through v2, without transformers).
   */
  protocol?: true;
}

/** A run's `kwargs` as the official server shows them (runs.create/get/list, webhooks). */
export interface PublicRunKwargs {
  input?: unknown;
  command?: RunCreateBody["command"];
  config: Record<string, unknown>;
  context: Record<string, unknown>;
  stream_mode: StreamMode[];
  interrupt_before?: "*" | string[];
  interrupt_after?: "*" | string[];
  webhook?: string;
  /** A stateless run whose thread goes with it. */
  temporary: boolean;
  subgraphs: boolean;
  resumable: boolean;
}

/**
 * What clients see of a run's kwargs, derived when it is read (nothing more is stored, and runs stored before read
 * the same): as on the official server, the config's configurable carries the run's ids (and `user_id`, the
 * authenticated user's), its metadata is the run's, and the stream flags are named `subgraphs` and `resumable`. Our
 * own keys (graph_id, on_disconnect, on_completion, webhook_base, not_before, protocol) are the worker's, not shown.
 */
export function publicKwargs(
  run: { run_id: string; thread_id: string; assistant_id: string; metadata: Record<string, unknown> },
  kwargs: Partial<RunKwargs>,
): PublicRunKwargs {
  const config = kwargs.config ?? {};
  const configurable = (config.configurable ?? {}) as Record<string, unknown>;
  const userId = configurable.user_id ?? configurable.langgraph_auth_user_id;
  return {
    input: kwargs.input,
    command: kwargs.command,
    config: {
      ...config,
      configurable: {
        ...configurable,
        run_id: run.run_id,
        thread_id: run.thread_id,
        graph_id: kwargs.graph_id ?? run.assistant_id,
        assistant_id: run.assistant_id,
        ...(userId === undefined ? {} : { user_id: userId }),
      },
      metadata: run.metadata,
    },
    context: kwargs.context ?? {},
    stream_mode: kwargs.stream_mode ?? ["values"],
    interrupt_before: kwargs.interrupt_before,
    interrupt_after: kwargs.interrupt_after,
    webhook: kwargs.webhook,
    temporary: kwargs.on_completion === "delete",
    subgraphs: kwargs.stream_subgraphs ?? false,
    resumable: kwargs.stream_resumable ?? false,
  };
}
