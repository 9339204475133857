/**
 * AssistantStore: assistants and their versions in the `assistants` table.
 *
 * Key schema:
 *   pk = assistant_id, sk = "assistant"           the assistant as served (its current version), plus
 *                                                  `latest_version` (the highest version number) and
 *                                                  list_pk = "assistant" for the `by_created` GSI (newest first).
 *   pk = assistant_id, sk = "version#<10 digits>"  one item per version, written once, never changed.
 *
 * The assistant document is stored as JSON (`doc`): config, context and metadata may hold what a DynamoDB map
 * cannot. A patch takes its version number from `latest_version` with an atomic ADD, writes the version item, then
 * serves it (`doc`, `served_version`) unless a higher version is served already.
 */
import { conditionalResult, conditionalWrite } from "../dynamo/conditional.js";
import {
  GetCommand,
  PutCommand,
  UpdateCommand,
  paginateQuery,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import { batchWrite, partitionKeys } from "../dynamo/batch.js";
import { keyFits } from "../dynamo/limits.js";
import { assertItemFits } from "./limits.js";

export interface Assistant {
  assistant_id: string;
  graph_id: string;
  config: Record<string, unknown>;
  context: Record<string, unknown>;
  metadata: Record<string, unknown>;
  name: string;
  description: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export type AssistantVersion = Omit<Assistant, "updated_at">;

const CURRENT = "assistant";
const LIST_PK = "assistant";
const versionSk = (version: number) => `version#${String(version).padStart(10, "0")}`;

/** How many assistants a store remembers as last read (see `recent`). */
const RECENT_LIMIT = 100;

export class AssistantStore {
  /** Assistants as this store last read them (the current item's `doc`), oldest forgotten first. */
  private readonly seen = new Map<string, { doc: string; latest_version: number }>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(assistantId: string): Promise<(Assistant & { latest_version: number }) | undefined> {
    if (!keyFits(assistantId)) return undefined;
    // Strongly consistent, like every read by id here: a client (or the worker in another Lambda) that was just told
    // the assistant was created or updated must find it so, not a 404 or the version before.
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { pk: assistantId, sk: CURRENT }, ConsistentRead: true }),
    );
    this.seen.delete(assistantId);
    if (!Item) return undefined;
    this.seen.set(assistantId, { doc: Item.doc, latest_version: Item.latest_version });
    if (this.seen.size > RECENT_LIMIT) this.seen.delete(this.seen.keys().next().value!);
    return { ...(JSON.parse(Item.doc) as Assistant), latest_version: Item.latest_version };
  }

  /**
   * The assistant as this store last read it, if it did lately: possibly changed since by another process, so only
   * for a caller that reads it again before relying on it (a new run: lib/services/runs.ts createRun).
   */
  recent(assistantId: string): (Assistant & { latest_version: number }) | undefined {
    const seen = this.seen.get(assistantId);
    return seen && { ...(JSON.parse(seen.doc) as Assistant), latest_version: seen.latest_version };
  }

  /** Stores a new assistant at version 1; false if the id is taken. */
  async create(assistant: Assistant): Promise<boolean> {
    const item = this.currentItem(assistant, 1);
    assertItemFits("assistant", item);
    const created = await conditionalWrite(() =>
      this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ),
    );
    if (!created) return false;
    await this.putVersion(assistant);
    return true;
  }

  /**
   * Makes `next` (built from the current assistant and a new version number) a new version, and serves it unless a
   * higher version is served already. The number comes from an atomic counter, so concurrent patches never share one.
   * Undefined if the assistant does not exist.
   */
  async addVersion(
    assistantId: string,
    next: (current: Assistant, version: number) => Assistant,
  ): Promise<Assistant | undefined> {
    if (!keyFits(assistantId)) return undefined;
    // A version too large to store is refused before it takes a number (sized with the largest number it could get).
    const before = await this.get(assistantId);
    if (!before) return undefined;
    assertItemFits("assistant", this.currentItem(next(before, Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER));
    const counted = await conditionalResult(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: assistantId, sk: CURRENT },
          UpdateExpression: "SET latest_version = latest_version + :one",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeValues: { ":one": 1 },
          ReturnValues: "ALL_NEW",
        }),
      ),
    );
    if (!counted) return undefined;
    const updated = next(JSON.parse(counted.Attributes!.doc), counted.Attributes!.latest_version);
    // Grown since the check above by a concurrent patch: refused, and this version number is skipped.
    assertItemFits("assistant", this.currentItem(updated, updated.version));
    await this.putVersion(updated);
    await this.serve(updated, { onlyIfNewer: true });
    return updated;
  }

  /** Serves an existing version again (POST /assistants/{id}/latest). */
  async setCurrent(
    assistantId: string,
    version: number,
    updatedAt: string,
  ): Promise<Assistant | "no-assistant" | "no-version"> {
    const current = await this.get(assistantId);
    if (!current) return "no-assistant";
    const stored = await this.getVersion(assistantId, version);
    if (!stored) return "no-version";
    const assistant: Assistant = { ...stored, created_at: current.created_at, updated_at: updatedAt };
    await this.serve(assistant, { onlyIfNewer: false });
    return assistant;
  }

  async getVersion(assistantId: string, version: number): Promise<AssistantVersion | undefined> {
    if (!keyFits(assistantId)) return undefined;
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { pk: assistantId, sk: versionSk(version) }, ConsistentRead: true }),
    );
    return Item ? (JSON.parse(Item.doc) as AssistantVersion) : undefined;
  }

  /** Every version, newest first. */
  async versions(assistantId: string): Promise<AssistantVersion[]> {
    if (!keyFits(assistantId)) return [];
    const versions: AssistantVersion[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": assistantId, ":prefix": "version#" },
        ScanIndexForward: false,
        ConsistentRead: true,
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) versions.push(JSON.parse(item.doc));
    return versions;
  }

  /**
   * Every assistant, newest first (one Query on the `by_created` index; assistants number in the hundreds).
   * A GSI read cannot be strongly consistent: a search may miss an assistant created a moment ago (typically well
   * under a second on AWS). Reads by id (get, versions) are strong, and a run resolves its assistant by id.
   */
  async list(): Promise<Assistant[]> {
    const assistants: Assistant[] = [];
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.table,
        IndexName: "by_created",
        KeyConditionExpression: "list_pk = :pk",
        ExpressionAttributeValues: { ":pk": LIST_PK },
        ScanIndexForward: false,
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) assistants.push(JSON.parse(item.doc));
    return assistants;
  }

  /** Deletes the assistant and all its versions; false if it did not exist. */
  async delete(assistantId: string): Promise<boolean> {
    if (!keyFits(assistantId)) return false;
    this.seen.delete(assistantId);
    const keys = await partitionKeys(this.client, this.table, assistantId);
    if (!keys.some((key) => key.sk === CURRENT)) return false;
    // The current item last: a delete cut short leaves a visible assistant, never orphaned versions.
    keys.sort((a, b) => (a.sk === CURRENT ? 1 : b.sk === CURRENT ? -1 : 0));
    await batchWrite(
      this.client,
      this.table,
      keys.map((Key) => ({ DeleteRequest: { Key } })),
    );
    return true;
  }

  private currentItem(assistant: Assistant, latestVersion: number) {
    return {
      pk: assistant.assistant_id,
      sk: CURRENT,
      list_pk: LIST_PK,
      created_at: assistant.created_at,
      latest_version: latestVersion,
      served_version: assistant.version,
      doc: JSON.stringify(assistant),
    };
  }

  private async putVersion(assistant: Assistant): Promise<boolean> {
    const { updated_at: _updated, ...version } = assistant;
    return conditionalWrite(() =>
      this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: assistant.assistant_id,
            sk: versionSk(assistant.version),
            doc: JSON.stringify({ ...version, created_at: assistant.updated_at }),
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ),
    );
  }

  /** Makes `assistant` the one served (`doc`), keeping the version counter. */
  private async serve(assistant: Assistant, { onlyIfNewer }: { onlyIfNewer: boolean }): Promise<void> {
    this.seen.delete(assistant.assistant_id); // changed here: read it again
    await conditionalWrite(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: assistant.assistant_id, sk: CURRENT },
          UpdateExpression: "SET doc = :doc, served_version = :version",
          ConditionExpression: onlyIfNewer
            ? "attribute_exists(pk) AND served_version < :version"
            : "attribute_exists(pk)",
          ExpressionAttributeValues: { ":doc": JSON.stringify(assistant), ":version": assistant.version },
        }),
      ),
    ); // a newer version is served, or it was deleted
  }
}
