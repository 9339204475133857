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
}
