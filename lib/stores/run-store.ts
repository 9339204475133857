/**
 * RunStore: runs in the `runs` table.
 *
 * Key schema:
 *   pk = thread_id, sk = run_id (UUIDv7, time-ordered: a descending Query lists a thread's runs newest first,
 *   an ascending one finds the oldest pending run — the next in line under `enqueue`).
 *   pk = "run#" + run_id, sk = "thread": a pointer holding the run's `thread_id`, for the routes that name a run
 *   without its thread (GET /runs/{run_id}/stream). Written before the run, deleted with it; it has no
 *   `status`, so status filters never see it.
 *
 * Attributes: the API's Run object (run_id, thread_id, assistant_id, status, metadata, multitask_strategy,
 * created_at, updated_at), `kwargs` as a JSON string (input, command, config, stream modes … — arbitrary JSON),
 * and the worker's bookkeeping: `cancel` (interrupt|rollback, set by a cancel request), `attempt`, `error`,
 * `lease_until` (epoch ms: the worker holding a running run renews it; a run whose lease ran out belongs to a
 * worker that died, and the next delivery of its message takes it over). A pending run has one too: the time by
 * which its message should have reached a worker (PENDING_LEASE_MS). Finishing a run removes it.
 *
 * Index `by_lease` (lease_shard + lease_until, sparse: only runs still to start or finish carry `lease_until`)
 * finds the runs whose lease ran out without reading the others: lib/runs/sweep.ts queries each of the
 * RUN_LEASE_SHARDS partitions (`lease_shard`, a hash of the run id) for `lease_until < now`. Lease renewals write
 * the index, so they are spread over the shards rather than capped by one index partition.
 * Status changes are conditional writes on the current status (and attempt), so a run moves pending → running
 * → final once, and a worker that lost its run cannot write over the one that took it.
 */
import { conditionalResult, conditionalWrite } from "../dynamo/conditional.js";
import {
  DeleteCommand,
  GetCommand,
  UpdateCommand,
  paginateQuery,
  paginateScan,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import { batchWrite } from "../dynamo/batch.js";
import { keyFits } from "../dynamo/limits.js";
import { toRun, type CancelAction, type Run, type RunStatus, type StoredRun } from "./run-item.js";

export {
  FINAL_STATUSES,
  publicRun,
  type CancelAction,
  type MultitaskStrategy,
  type Run,
  type RunStatus,
  type StoredRun,
} from "./run-item.js";

/** Partitions of the `by_lease` index; raising it is safe for new runs, lowering it hides the dropped shards' runs. */
export const RUN_LEASE_SHARDS = 16;

/** How long a pending run's message may take to reach a worker before the sweep looks at the run. */
export const PENDING_LEASE_MS = 60_000;

/** The `lease_shard` of a run: a stable hash of its id (FNV-1a). */
export function runLeaseShard(runId: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < runId.length; i++) hash = Math.imul(hash ^ runId.charCodeAt(i), 0x01000193);
  return leaseShardKey((hash >>> 0) % RUN_LEASE_SHARDS);
}

const leaseShardKey = (n: number) => `lease#${String(n).padStart(2, "0")}`;

export class RunStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * The run and its pointer (by run id) in one request. A batch is not ordered: should the process die between a
   * retried half and the other, the run may lack its pointer (found by its thread only) or the pointer its run (reads
   * as "not found"). Run ids are new uuid7s, so no condition guards against overwriting one. A run is stored pending
   * (attempt 0), or already claimed (`running`, with its attempt and lease) by the process that is to execute it.
   */
  async create(run: Run & Partial<Pick<StoredRun, "attempt" | "lease_until">>): Promise<void> {
    await batchWrite(this.client, this.table, [
      { PutRequest: { Item: { ...pointerKey(run.run_id), thread_id: run.thread_id } } },
      {
        PutRequest: {
          Item: {
            pk: run.thread_id,
            sk: run.run_id,
            ...run,
            kwargs: JSON.stringify(run.kwargs),
            attempt: run.status === "running" ? (run.attempt ?? 1) : 0,
            lease_shard: runLeaseShard(run.run_id),
            lease_until:
              run.status === "running" && run.lease_until !== undefined
                ? run.lease_until
                : pendingLease(Date.parse(run.created_at), run.kwargs.not_before),
          },
        },
      },
    ]);
  }

  async get(threadId: string, runId: string): Promise<StoredRun | undefined> {
    if (!keyFits(threadId, runId)) return undefined;
    const result = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { pk: threadId, sk: runId }, ConsistentRead: true }),
    );
    return result.Item ? toRun(result.Item) : undefined;
  }

  /**
   * The cancel asked of the run, if any: what a running run's worker polls for (lib/runs/worker.ts). One eventually
   * consistent read of the item (half the read units of a strong one): a cancel written a moment ago may be seen a
   * poll later.
   */
  async cancelOf(threadId: string, runId: string): Promise<CancelAction | undefined> {
    if (!keyFits(threadId, runId)) return undefined;
    const result = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: threadId, sk: runId },
        ProjectionExpression: "#cancel",
        ExpressionAttributeNames: { "#cancel": "cancel" },
      }),
    );
    return result.Item?.cancel as CancelAction | undefined;
  }

  /** The run with this id, whatever its thread. */
  async find(runId: string): Promise<StoredRun | undefined> {
    if (!keyFits(pointerKey(runId).pk)) return undefined;
    const pointer = await this.client.send(
      new GetCommand({ TableName: this.table, Key: pointerKey(runId), ConsistentRead: true }),
    );
    const threadId = pointer.Item?.thread_id as string | undefined;
    return threadId === undefined ? undefined : this.get(threadId, runId);
  }

  /** The thread's runs created after `runId` (from it, when `inclusive`; all of them without it), oldest first. */
  async after(
    threadId: string,
    runId: string | undefined,
    options: { inclusive?: boolean } = {},
  ): Promise<StoredRun[]> {
    if (!keyFits(threadId) || (runId !== undefined && !keyFits(threadId, runId))) return [];
    const runs: StoredRun[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.table,
        KeyConditionExpression:
          runId === undefined ? "pk = :pk" : `pk = :pk AND sk ${options.inclusive ? ">=" : ">"} :after`,
        ExpressionAttributeValues: { ":pk": threadId, ...(runId === undefined ? {} : { ":after": runId }) },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) runs.push(...(page.Items ?? []).map(toRun));
    return runs;
  }

  /** The thread's runs, oldest first (the order the official server lists them in), `limit` of them from `offset`. */
  async list(threadId: string, options: { limit: number; offset: number; status?: RunStatus }): Promise<StoredRun[]> {
    return this.query(threadId, {
      newestFirst: false,
      want: options.offset + options.limit,
      status: options.status,
    }).then((runs) => runs.slice(options.offset));
  }

  /** The thread's most recent run. */
  async latest(threadId: string): Promise<StoredRun | undefined> {
    return (await this.query(threadId, { newestFirst: true, want: 1 }))[0];
  }

  /** Runs still to finish, oldest first. */
  async unfinished(threadId: string): Promise<StoredRun[]> {
    const runs = await this.query(threadId, { newestFirst: false, want: Infinity, statuses: ["pending", "running"] });
    return runs;
  }

  /**
   * Every run, on any thread, in one of `statuses` (POST /runs/cancel by status). A Scan: an operator's action
   * over the whole table, not a request path; it reads every run item once.
   */
  async allWithStatus(statuses: RunStatus[]): Promise<StoredRun[]> {
    const values = Object.fromEntries(statuses.map((status, i) => [`:s${i}`, status]));
    const runs: StoredRun[] = [];
    const pages = paginateScan(
      { client: this.client },
      {
        TableName: this.table,
        FilterExpression: `#status IN (${Object.keys(values).join(", ")})`,
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: values,
      },
    );
    for await (const page of pages) runs.push(...(page.Items ?? []).map(toRun));
    return runs;
  }

  /** The oldest pending run of the thread: the next to take it. */
  async nextPending(threadId: string): Promise<StoredRun | undefined> {
    return (await this.query(threadId, { newestFirst: false, want: 1, status: "pending" }))[0];
  }

  /**
   * Takes the run for a worker: pending → running, or a running run whose lease has run out (its worker died).
   * Returns the run with its new attempt number, or undefined when there is nothing to take (a duplicate
   * delivery, a live worker has it, or it was cancelled while it waited).
   */
  async claim(threadId: string, runId: string, now: string, leaseMs: number): Promise<StoredRun | undefined> {
    const nowMs = Date.parse(now);
    const result = await conditionalResult(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: threadId, sk: runId },
          UpdateExpression:
            "SET #status = :running, updated_at = :now, attempt = attempt + :one, lease_until = :lease, lease_shard = :shard",
          ConditionExpression:
            "attribute_exists(pk) AND (#status = :pending OR (#status = :running AND lease_until < :nowMs))",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":running": "running",
            ":pending": "pending",
            ":now": now,
            ":nowMs": nowMs,
            ":one": 1,
            ":lease": nowMs + leaseMs,
            ":shard": runLeaseShard(runId),
          },
          ReturnValues: "ALL_NEW",
        }),
      ),
    );
    return result && toRun(result.Attributes!);
  }

  /** Extends the lease of the worker on `attempt`; false when the run is no longer that worker's. */
  async renewLease(threadId: string, runId: string, attempt: number, leaseUntil: number): Promise<boolean> {
    return this.transition(threadId, runId, ["running"], {
      UpdateExpression: "SET lease_until = :lease",
      values: { ":lease": leaseUntil, ":attempt": attempt },
      extraCondition: "attempt = :attempt",
    });
  }

  /** running → pending for the worker on `attempt`: the run continues in another invocation. */
  async handBack(threadId: string, runId: string, attempt: number, now: string): Promise<boolean> {
    return this.transition(threadId, runId, ["running"], {
      UpdateExpression: "SET #status = :to, updated_at = :now, lease_until = :lease",
      values: { ":to": "pending", ":now": now, ":attempt": attempt, ":lease": pendingLease(Date.parse(now)) },
      extraCondition: "attempt = :attempt",
    });
  }

  /** Moves a pending run's lease to `leaseUntil` (a run waiting in line behind a live one); false when not pending. */
  async postpone(threadId: string, runId: string, leaseUntil: number): Promise<boolean> {
    return this.transition(threadId, runId, ["pending"], {
      UpdateExpression: "SET lease_until = :lease",
      values: { ":lease": leaseUntil },
    });
  }

  /** Ends the lease of the worker on `attempt` now (it is known to be gone), so the next delivery takes the run over. */
  async expireLease(threadId: string, runId: string, attempt: number): Promise<boolean> {
    return this.transition(threadId, runId, ["running"], {
      UpdateExpression: "SET lease_until = :lease",
      values: { ":lease": 0, ":attempt": attempt },
      extraCondition: "attempt = :attempt",
    });
  }

  /**
   * Runs still to start or finish whose lease ran out before `beforeMs`, from the `by_lease` index (eventually
   * consistent: read each run again before acting on it). Reads only those runs, shard by shard.
   */
  async *expired(beforeMs: number): AsyncGenerator<StoredRun> {
    for (let shard = 0; shard < RUN_LEASE_SHARDS; shard++) {
      const pages = paginateQuery(
        { client: this.client, pageSize: 100 },
        {
          TableName: this.table,
          IndexName: LEASE_INDEX,
          KeyConditionExpression: "lease_shard = :shard AND lease_until < :before",
          ExpressionAttributeValues: { ":shard": leaseShardKey(shard), ":before": beforeMs },
        },
      );
      for await (const page of pages) for (const item of page.Items ?? []) yield toRun(item);
    }
  }

  /** Records the final status; false when the run was not in one of `from`. */
  async finish(
    threadId: string,
    runId: string,
    status: RunStatus,
    now: string,
    options: { from?: RunStatus[]; error?: { error: string; message: string }; attempt?: number } = {},
  ): Promise<boolean> {
    const sets = ["#status = :to", "updated_at = :now"];
    const values: Record<string, unknown> = { ":to": status, ":now": now };
    if (options.error) {
      sets.push("#error = :error");
      values[":error"] = options.error;
    }
    if (options.attempt !== undefined) values[":attempt"] = options.attempt;
    return this.transition(threadId, runId, options.from ?? ["running"], {
      UpdateExpression: `SET ${sets.join(", ")} REMOVE lease_until`,
      values,
      names: options.error ? { "#error": "error" } : {},
      extraCondition: options.attempt !== undefined ? "attempt = :attempt" : undefined,
    });
  }

  /** Asks the run to stop; false when it is not pending or running any more. */
  async requestCancel(threadId: string, runId: string, action: CancelAction, now: string): Promise<boolean> {
    return this.transition(threadId, runId, ["pending", "running"], {
      UpdateExpression: "SET #cancel = :action, updated_at = :now",
      values: { ":action": action, ":now": now },
      names: { "#cancel": "cancel" },
    });
  }

  async delete(threadId: string, runId: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.table, Key: { pk: threadId, sk: runId } }));
    await this.client.send(new DeleteCommand({ TableName: this.table, Key: pointerKey(runId) }));
  }

  /** Deletes every run of a thread (when the thread is deleted). */
  async deleteAll(threadId: string): Promise<string[]> {
    const runs = await this.query(threadId, { newestFirst: true, want: Infinity });
    await Promise.all(runs.map((run) => this.delete(threadId, run.run_id)));
    return runs.map((run) => run.run_id);
  }

  private async transition(
    threadId: string,
    runId: string,
    from: RunStatus[],
    update: {
      UpdateExpression: string;
      values: Record<string, unknown>;
      names?: Record<string, string>;
      extraCondition?: string;
    },
  ): Promise<boolean> {
    const fromValues = Object.fromEntries(from.map((status, i) => [`:from${i}`, status]));
    return conditionalWrite(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: threadId, sk: runId },
          UpdateExpression: update.UpdateExpression,
          ConditionExpression: `attribute_exists(pk) AND #status IN (${Object.keys(fromValues).join(", ")})${update.extraCondition ? ` AND ${update.extraCondition}` : ""}`,
          ExpressionAttributeNames: { "#status": "status", ...update.names },
          ExpressionAttributeValues: { ...update.values, ...fromValues },
        }),
      ),
    );
  }

  private async query(
    threadId: string,
    options: { newestFirst: boolean; want: number; status?: RunStatus; statuses?: RunStatus[] },
  ): Promise<StoredRun[]> {
    if (!keyFits(threadId)) return [];
    const statuses = options.statuses ?? (options.status ? [options.status] : undefined);
    const statusValues = Object.fromEntries((statuses ?? []).map((status, i) => [`:s${i}`, status]));
    const runs: StoredRun[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.table,
        KeyConditionExpression: "pk = :pk",
        FilterExpression: statuses ? `#status IN (${Object.keys(statusValues).join(", ")})` : undefined,
        ExpressionAttributeNames: statuses ? { "#status": "status" } : undefined,
        ExpressionAttributeValues: { ":pk": threadId, ...statusValues },
        ScanIndexForward: !options.newestFirst,
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      runs.push(...(page.Items ?? []).map(toRun));
      if (runs.length >= options.want) break;
    }
    return runs.slice(0, options.want === Infinity ? undefined : options.want);
  }
}

const LEASE_INDEX = "by_lease";

/** A pending run's lease: PENDING_LEASE_MS after it may start. */
const pendingLease = (fromMs: number, notBefore?: unknown) =>
  Math.max(fromMs, typeof notBefore === "number" ? notBefore : 0) + PENDING_LEASE_MS;

const pointerKey = (runId: string) => ({ pk: `run#${runId}`, sk: "thread" });
