/**
 * Runs as the API serves them: create (checks, the multitask strategies), wait for the end, follow events, delete.
 * Taking the thread, waiting in line and cancelling are the run lifecycle's (lib/runs/lifecycle.ts).
 */
import { HttpError, invalid } from "../http/errors.js";
import { isUuid, uuid7 } from "../ids.js";
import { now, type Platform } from "../platform.js";
import { dispatchNewRun } from "../runs/dispatch.js";
import { claimInForeground, foregroundSlotFree } from "../runs/foreground.js";
import { startForegroundRun } from "./foreground-runs.js";
import { kwargsFrom, type RunRequest } from "../runs/kwargs.js";
import { cancelRun, takeThread, takeThreadOrWait } from "../runs/lifecycle.js";
import { RunCreateBody } from "../schemas/runs.js";
import { FINAL_STATUSES, type StoredRun } from "../stores/run-store.js";
import type { StreamEvent } from "../stream/event-log.js";
import { getAssistant, recentAssistant, withAssistantDefaults } from "./assistants.js";
import { assertCheckpoint } from "./state.js";
import { webhookUrlProblem } from "../runs/webhook.js";
import { newThread } from "../stores/thread-store.js";
import { assertItemFits } from "../stores/limits.js";
import type { AcquireResult } from "../stores/thread-store.js";

export const NOT_QUEUED_MESSAGE = "The run could not be queued, so it was not created. Try again.";
export const BUSY_MESSAGE =
  "Thread is already running a task. Wait for it to finish or choose a different multitask strategy.";
/** Longest `after_seconds` a worker can wait out within one Lambda invocation (15 min, less a margin to run). */
export const MAX_AFTER_SECONDS = 600;

export interface RunDefaults {
  onDisconnect: "cancel" | "continue";
  /** A stateless run: its thread is temporary (see createStatelessRun). */
  stateless?: boolean;
  /** The HTTP request creating the run: its headers go into the config (see kwargsFrom). */
  request?: RunRequest;
  /** Custom auth: the metadata and scope of a thread the run creates (`if_not_exists: "create"`, stateless runs). */
  newThread?: { metadata: Record<string, unknown>; auth_scope?: string };
  /** Read the thread, even when this process saw it last (a retry after another process wrote it). */
  reread?: boolean;
  /** A protocol run (RunKwargs.protocol). */
  protocol?: boolean;
}

export async function createRun(
  p: Platform,
  threadId: string,
  body: RunCreateBody,
  defaults: RunDefaults,
): Promise<StoredRun> {
  const webhookProblem = body.webhook ? webhookUrlProblem(body.webhook) : undefined;
  if (webhookProblem) throw invalid({ loc: ["body", "webhook"], msg: webhookProblem, type: "invalid_url" });
  if ((body.after_seconds ?? 0) > MAX_AFTER_SECONDS) {
    const msg = `after_seconds above ${MAX_AFTER_SECONDS} is not supported: the run would outlast a worker invocation`;
    throw invalid({ loc: ["body", "after_seconds"], msg, type: "too_big" });
  }
  // Callers that build the body themselves (the protocol's commands) get the check the REST schema makes: run
  // metadata is a DynamoDB map, and a write it fails would leave the thread taken by a run never stored.
  RunCreateBody.pick({ metadata: true }).parse({ metadata: body.metadata });
  const strategy = body.multitask_strategy ?? "reject";
  // A thread this process read, created or freed last is not read again: taking it is conditional on it being
  // unchanged.
  const recent =
    defaults.stateless || defaults.reread || strategy !== "reject" ? undefined : p.threads.recent(threadId);
  // A foreground run (lib/runs/foreground.ts) on a thread this process has a copy of, with an assistant it has read
  // before, reads neither first: the assistant is read again while the run takes its thread, and the run starts
  // only if it is unchanged (else it is withdrawn and created again from what is stored; see below).
  const known = recent && foregroundSlotFree(p.queue) ? recentAssistant(p, body.assistant_id) : undefined;
  const check = known && assistantForRun(p, body.assistant_id);
  check?.catch(() => undefined);
  // Else both reads at once: each is a round trip to DynamoDB before the run can take its thread.
  const [assistant, earlier] = await Promise.all([
    known ?? assistantForRun(p, body.assistant_id),
    defaults.stateless ? undefined : (recent ?? p.threads.get(threadId)),
  ]);
  const kwargs = kwargsFrom(body, defaults.onDisconnect, assistant.graph_id, defaults.request);
  if (defaults.protocol) kwargs.protocol = true;
  // What earlier runs of the thread were configured with (`earlier`) sits between the assistant's config and the
  // run's, and the merge becomes the thread's config when the run takes it, as on the official server. Of it the run
  // itself gets the configurable only (sticky), not the thread's other keys (tags, recursion_limit …), as officially.
  const own = kwargs.config ?? {};
  const { config: forThread } = withAssistantDefaults(assistant, underThreadConfig(earlier?.config, own));
  Object.assign(
    kwargs,
    withAssistantDefaults(assistant, underThreadConfigurable(earlier?.config, own), kwargs.context),
  );
  const { metadata: _runMetadata, ...threadConfig } = forThread;
  if (defaults.stateless) kwargs.on_completion = body.on_completion ?? "delete";
  if (body.if_not_exists === "create" && !isUuid(threadId)) {
    const msg = `thread_id must be a UUID to create the thread, got "${threadId.slice(0, 100)}"`;
    throw invalid({ loc: ["path", "thread_id"], msg, type: "uuid_parsing" });
  }
  if (kwargs.checkpoint_id)
    await assertCheckpoint(p, threadId, {
      checkpoint_id: kwargs.checkpoint_id,
      checkpoint_ns: body.checkpoint?.checkpoint_ns,
    });
  const created = now();
  const run: StoredRun = {
    run_id: uuid7(),
    thread_id: threadId,
    assistant_id: assistant.assistant_id,
    status: "pending",
    // As officially: the assistant's metadata, the thread's (with the graph and assistant it now runs; not for a
    // thread the run creates: a stateless run's temporary one, `if_not_exists: "create"`), the run's own.
    metadata: {
      ...assistant.metadata,
      ...(defaults.stateless || !earlier
        ? {}
        : { ...earlier.metadata, graph_id: assistant.graph_id, assistant_id: assistant.assistant_id }),
      ...body.metadata,
    },
    kwargs,
    multitask_strategy: strategy,
    created_at: created,
    updated_at: created,
    attempt: 0,
  };
  // Refused (422) before anything is written: the thread is neither created nor taken for a run it cannot store.
  assertItemFits("run", { ...run, kwargs: JSON.stringify(run.kwargs) });
  const createdThread =
    body.if_not_exists === "create" &&
    (await p.threads.create({ ...newThread(threadId, defaults.newThread?.metadata ?? {}), ...scopeOf(defaults) }));
  // A stateless run's temporary thread goes with a run that could not be started: nothing of it is left behind.
  const dropTemporaryThread = async () => {
    if (defaults.stateless && createdThread) await p.threads.delete(threadId).catch(() => undefined);
  };

  // The run created again from what is stored: its assistant and thread read first.
  const retry = () => createRun(p, threadId, body, { ...defaults, reread: true });
  // A run refused its thread: taken meanwhile by another process (read it again and retry), missing, or busy.
  const refused = (taken: Exclude<AcquireResult, "acquired">): Promise<StoredRun> => {
    if (taken === "changed") return retry();
    if (taken === "missing") throw new HttpError(404, "Thread not found");
    throw new HttpError(409, BUSY_MESSAGE);
  };
  if (strategy === "reject") {
    // The run is stored once it holds its thread; if that write fails, the thread is freed now (not once
    // UNSTORED_HOLDER_MS has passed), and the error answered.
    const unstored = async (err: unknown): Promise<never> => {
      await p.threads.release(threadId, run.run_id, { status: "idle", now: now() }).catch(() => undefined);
      await dropTemporaryThread();
      throw err;
    };
    // A run this invocation executes itself (foreground runs on AWS) is stored claimed, and started without the queue.
    const foreground = claimInForeground(p.queue, run, p.options.leaseMs);
    if (!foreground) {
      if (check) return retry(); // the assistant read, after all
      // One conditional write decides: the thread is ours, or the run is refused and nothing is stored.
      const taken = await takeThread(p, run, threadConfig, recent?.updated_at);
      if (taken !== "acquired") return refused(taken);
      await p.runs.create(run).catch(unstored);
      if (!(await dispatchNewRun(p, run))) {
        await dropTemporaryThread();
        throw new HttpError(503, NOT_QUEUED_MESSAGE);
      }
      return run;
    }
    // A foreground run: stored while it takes its thread, one round trip before its graph starts.
    return startForegroundRun(
      p,
      {
        run,
        threadConfig,
        seen: recent ?? (defaults.reread ? undefined : earlier),
        recent,
        stateless: !!defaults.stateless,
        assistant,
        check,
        refused,
        unstored,
        retry,
      },
      foreground,
    );
  }

  // enqueue / interrupt / rollback: the run waits in line (pending) and takes the thread when it is free.
  // Read again only when neither the read above nor our create saw it (another request may have just created it).
  if (!earlier && !createdThread && !(await p.threads.get(threadId))) throw new HttpError(404, "Thread not found");
  await p.runs.create(run);
  if (strategy === "interrupt" || strategy === "rollback") {
    for (const other of await p.runs.unfinished(threadId)) {
      if (other.run_id !== run.run_id) await cancelRun(p, other, strategy);
    }
  }
  if ((await takeThreadOrWait(p, run, threadConfig)) && !(await dispatchNewRun(p, run)))
    throw new HttpError(503, NOT_QUEUED_MESSAGE);
  return run;
}

const scopeOf = (defaults: RunDefaults) =>
  defaults.newThread?.auth_scope ? { auth_scope: defaults.newThread.auth_scope } : {};

/** A run's config over its thread's: top-level keys and `configurable` keys, the run's winning. */
function underThreadConfig(
  thread: Record<string, unknown> | undefined,
  run: Record<string, unknown> = {},
): Record<string, unknown> {
  if (!thread || Object.keys(thread).length === 0) return run;
  const configurable = { ...(thread.configurable as object | undefined), ...(run.configurable as object | undefined) };
  return { ...thread, ...run, configurable };
}

function underThreadConfigurable(
  thread: Record<string, unknown> | undefined,
  run: Record<string, unknown>,
): Record<string, unknown> {
  const configurable = (thread?.configurable ?? {}) as object;
  if (Object.keys(configurable).length === 0) return run;
  return { ...run, configurable: { ...configurable, ...(run.configurable as object | undefined) } };
}

/** The run's assistant, by assistant or graph id; 404 in the official server's words when neither names one. */
async function assistantForRun(p: Platform, assistantId: string) {
  try {
    return await getAssistant(p, assistantId);
  } catch (err) {
    if (!(err instanceof HttpError) || err.status !== 404) throw err;
    throw new HttpError(
      404,
      `No assistant found for "${assistantId}". Make sure the assistant ID is for a valid assistant or a valid graph ID.`,
    );
  }
}

export async function getRunOr404(p: Platform, threadId: string, runId: string): Promise<StoredRun> {
  const run = await p.runs.get(threadId, runId);
  if (!run) throw new HttpError(404, "Run not found");
  return run;
}

/** The run's events after `afterId`, until its `end` event (or until `signal` aborts). */
export function followRun(
  p: Platform,
  run: StoredRun,
  afterId: number,
  signal?: AbortSignal,
  justCreated = false,
  pollMs = p.options.eventPollMs,
): AsyncGenerator<StreamEvent> {
  return p.events.follow(run.run_id, afterId, {
    signal,
    // Nothing of a run created a moment ago is in the log yet: wait for its worker before the first read.
    waitFirst: justCreated,
    pollMs,
    isFinished: async () => {
      const current = await p.runs.get(run.thread_id, run.run_id);
      return !current || FINAL_STATUSES.has(current.status);
    },
  });
}

/**
 * How often a cancel with `wait` reads the log of a run stopping in another process (instead of eventPollMs): its
 * `end` is due within a cancel poll (FUNCTION_TIMING_DEFAULTS) and a few writes, and the wait lasts only that long.
 */
export const CANCEL_WAIT_POLL_MS = 20;

/**
 * Resolves once the run has finished (its `end` event is in the log, or it finished without running): with "ended"
 * when the `end` event was followed (the run is not read again: its error, if any, was an event before it), else with
 * the run as stored. `justCreated` skips the status and position look-ups for a run this request created a moment ago.
 * `pollMs`: how often the log of a run executing in another process is read (default eventPollMs).
 */
export async function waitForRun(
  p: Platform,
  run: StoredRun,
  options: {
    signal?: AbortSignal;
    justCreated?: boolean;
    onEvent?: (event: StreamEvent) => void;
    pollMs?: number;
  } = {},
): Promise<StoredRun | "ended" | undefined> {
  const { signal, justCreated = false, onEvent = () => undefined, pollMs } = options;
  let ended = false;
  const follow = async (afterId: number) => {
    for await (const event of followRun(p, run, afterId, signal, justCreated, pollMs)) {
      onEvent(event);
      ended = event.event === "end";
    }
  };
  if (justCreated) {
    await follow(-1);
  } else {
    const current = await p.runs.get(run.thread_id, run.run_id);
    if (current && !FINAL_STATUSES.has(current.status))
      await follow(Math.max((await p.events.lastId(run.run_id)) - 1, -1));
  }
  return ended ? "ended" : p.runs.get(run.thread_id, run.run_id);
}

/**
 * A stateless run (POST /runs, /runs/stream, /runs/wait): on a new temporary thread, which is deleted when the run
 * finishes unless `on_completion` is "keep".
 */
export async function createStatelessRun(p: Platform, body: RunCreateBody, defaults: RunDefaults): Promise<StoredRun> {
  return createRun(
    p,
    uuid7(),
    { ...body, if_not_exists: "create", multitask_strategy: "reject" },
    { ...defaults, stateless: true },
  );
}

/** Deletes a finished run with its events; a pending or running one must be cancelled first (409). */
export async function deleteRun(p: Platform, threadId: string, runId: string): Promise<void> {
  const run = await getRunOr404(p, threadId, runId);
  if (!FINAL_STATUSES.has(run.status))
    throw new HttpError(409, `Run ${runId} is ${run.status}; cancel it before deleting it`);
  await p.runs.delete(threadId, runId);
  await p.events.delete(runId);
}
