/**
 * CronStore: cron jobs in the `crons` table.
 *
 * Key schema:
 *   pk = cron_id, sk = "cron"; attributes: the cron as JSON (`doc`), and `next_run_at` (epoch ms) of the next due
 *   occurrence, absent when disabled or past its end_time.
 *
 * Crons number in the tens to thousands, so listing and finding due ones Scan the table (once a minute on AWS).
 * An occurrence is taken by a conditional write that moves `next_run_at` from the value read to the next one, so
 * two schedulers ticking at once start each occurrence once.
 */
import { conditionalWrite } from "../dynamo/conditional.js";
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  paginateScan,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import { keyFits } from "../dynamo/limits.js";
import { assertItemFits } from "./limits.js";

export interface Cron {
  cron_id: string;
  assistant_id: string;
  thread_id: string | null;
  on_run_completed?: "delete" | "keep";
  end_time: string | null;
  schedule: string;
  timezone: string | null;
  created_at: string;
  updated_at: string;
  payload: Record<string, unknown>;
  user_id: string | null;
  next_run_date: string | null;
  metadata: Record<string, unknown>;
  enabled: boolean;
  /** Under custom auth, the owner scope of the thread a stateless occurrence keeps (lib/auth/scope.ts). */
  auth_scope?: string;
}

const SK = "cron";

export class CronStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async put(cron: Cron): Promise<void> {
    const next = cron.next_run_date ? { next_run_at: Date.parse(cron.next_run_date) } : {};
    const item = { pk: cron.cron_id, sk: SK, doc: JSON.stringify(cron), ...next };
    assertItemFits("cron", item);
    await this.client.send(new PutCommand({ TableName: this.table, Item: item }));
  }

  async get(cronId: string): Promise<Cron | undefined> {
    if (!keyFits(cronId)) return undefined;
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { pk: cronId, sk: SK }, ConsistentRead: true }),
    );
    return Item ? (JSON.parse(Item.doc) as Cron) : undefined;
  }

  async delete(cronId: string): Promise<boolean> {
    if (!keyFits(cronId)) return false;
    const { Attributes } = await this.client.send(
      new DeleteCommand({ TableName: this.table, Key: { pk: cronId, sk: SK }, ReturnValues: "ALL_OLD" }),
    );
    return !!Attributes;
  }

  async list(): Promise<Cron[]> {
    const crons: Cron[] = [];
    for await (const page of paginateScan({ client: this.client }, { TableName: this.table })) {
      for (const item of page.Items ?? []) crons.push(JSON.parse(item.doc));
    }
    return crons;
  }

  /** Crons whose next occurrence is at or before `nowMs`. */
  async due(nowMs: number): Promise<Cron[]> {
    const crons: Cron[] = [];
    const pages = paginateScan(
      { client: this.client },
      { TableName: this.table, FilterExpression: "next_run_at <= :now", ExpressionAttributeValues: { ":now": nowMs } },
    );
    for await (const page of pages) for (const item of page.Items ?? []) crons.push(JSON.parse(item.doc));
    return crons;
  }

  /** Takes the occurrence `cron.next_run_date` and moves the cron to `next` (or retires it); false if taken already. */
  async advance(cron: Cron, next: string | null, updatedAt: string): Promise<boolean> {
    const advanced: Cron = { ...cron, next_run_date: next, updated_at: updatedAt };
    return conditionalWrite(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: cron.cron_id, sk: SK },
          UpdateExpression: next ? "SET doc = :doc, next_run_at = :next" : "SET doc = :doc REMOVE next_run_at",
          ConditionExpression: "next_run_at = :taken",
          ExpressionAttributeValues: {
            ":doc": JSON.stringify(advanced),
            ":taken": Date.parse(cron.next_run_date!),
            ...(next ? { ":next": Date.parse(next) } : {}),
          },
        }),
      ),
    );
  }
}
