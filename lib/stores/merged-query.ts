/**
 * One ordered listing over several index partitions: a k-way merge of Queries, one cursor per partition.
 *
 * Each partition is read in pages that start small (`firstLimit`, about its share of the page wanted) and double up
 * to `maxLimit`; a partition is read further only when the merge has used up what it fetched and needs its next
 * item. So a page of `n` from `k` partitions reads about k × (n/k + 2) items, not k × n, whatever the partitions hold.
 */
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";

type Row = Record<string, any>;

class Cursor {
  private buffer: Row[] = [];
  private startKey: Record<string, any> | undefined;
  private done = false;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly input: QueryCommandInput,
    private limit: number,
    private readonly maxLimit: number,
  ) {}

  get head(): Row | undefined {
    return this.buffer[0];
  }

  /** True when the buffer is empty but the partition has more to read. */
  get starved(): boolean {
    return this.buffer.length === 0 && !this.done;
  }

  take(): Row {
    return this.buffer.shift()!;
  }

  /** Reads pages until one yields an item (filters may leave pages empty) or the partition ends. */
  async fill(): Promise<void> {
    while (this.starved) {
      const page = await this.client.send(
        new QueryCommand({ ...this.input, Limit: this.limit, ExclusiveStartKey: this.startKey }),
      );
      this.buffer.push(...(page.Items ?? []));
      this.startKey = page.LastEvaluatedKey;
      this.done = !page.LastEvaluatedKey;
      this.limit = Math.min(this.limit * 2, this.maxLimit);
    }
  }
}

export interface MergedQueryOptions {
  /** Items the caller expects to take (offset + limit); sets the first page size of each partition. */
  wanted: number;
  /** Largest page read from one partition. */
  maxLimit: number;
  /** Index sort key attribute, and whether the order is descending. */
  sortKey: string;
  descending: boolean;
}

/** Items of every input's Query (same index, one partition each), merged by `sortKey`, ties by `pk`. */
export async function* mergedQuery(
  client: DynamoDBDocumentClient,
  inputs: QueryCommandInput[],
  options: MergedQueryOptions,
): AsyncGenerator<Row> {
  const firstLimit = Math.min(options.maxLimit, Math.ceil(options.wanted / inputs.length) + 2);
  const cursors = inputs.map((input) => new Cursor(client, input, firstLimit, options.maxLimit));
  const sign = options.descending ? -1 : 1;
  const compare = (a: Row, b: Row) => {
    const x = String(a[options.sortKey]);
    const y = String(b[options.sortKey]);
    if (x !== y) return x < y ? -sign : sign;
    return String(a.pk) < String(b.pk) ? -1 : 1;
  };
  for (;;) {
    await Promise.all(cursors.filter((c) => c.starved).map((c) => c.fill()));
    let best: Cursor | undefined;
    for (const cursor of cursors) if (cursor.head && (!best || compare(cursor.head, best.head!) < 0)) best = cursor;
    if (!best) return;
    yield best.take();
  }
}
