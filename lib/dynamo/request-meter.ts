import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/**
 * Counts what a DynamoDB client sends: requests by operation, capacity units DynamoDB reports as consumed,
 * and request body bytes. Attach it to a client to measure the cost of an operation
 * (used by the tests, the README figures and `npm run bench`).
 */
export interface MeterReading {
  requests: number;
  byOperation: Record<string, number>;
  readUnits: number;
  writeUnits: number;
  requestBytes: number;
  /** Items written (put, updated or deleted), by table name. */
  itemsWrittenByTable: Record<string, number>;
  /** Items DynamoDB read to answer (ScannedCount for Query and Scan, items returned by GetItem/BatchGetItem). */
  itemsRead: number;
}

export class RequestMeter {
  private reading: MeterReading = RequestMeter.empty();

  static empty(): MeterReading {
    return {
      requests: 0,
      byOperation: {},
      readUnits: 0,
      writeUnits: 0,
      requestBytes: 0,
      itemsWrittenByTable: {},
      itemsRead: 0,
    };
  }

  attach(client: DynamoDBDocumentClient): this {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as Record<string, unknown>;
        if (!("ReturnConsumedCapacity" in input)) input.ReturnConsumedCapacity = "TOTAL";
        const result = await next(args);
        const operation = String(context.commandName ?? "unknown").replace(/Command$/, "");
        this.countWrites(operation, input);
        this.countReads(operation, result.output as Record<string, any>);
        this.reading.requests += 1;
        this.reading.byOperation[operation] = (this.reading.byOperation[operation] ?? 0) + 1;
        const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
        for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
          const cap = c as { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number };
          if (cap.ReadCapacityUnits !== undefined || cap.WriteCapacityUnits !== undefined) {
            this.reading.readUnits += cap.ReadCapacityUnits ?? 0;
            this.reading.writeUnits += cap.WriteCapacityUnits ?? 0;
          } else if (/^(Get|Query|Scan|BatchGet)/.test(operation)) {
            this.reading.readUnits += cap.CapacityUnits ?? 0;
          } else {
            this.reading.writeUnits += cap.CapacityUnits ?? 0;
          }
        }
        return result;
      },
      { step: "initialize", name: "lambdagraphRequestMeter", override: true },
    );
    client.middlewareStack.add(
      (next) => async (args) => {
        const body = (args.request as { body?: unknown }).body;
        if (typeof body === "string") this.reading.requestBytes += Buffer.byteLength(body);
        else if (body instanceof Uint8Array) this.reading.requestBytes += body.byteLength;
        return next(args);
      },
      { step: "finalizeRequest", name: "lambdagraphRequestBytes", override: true },
    );
    return this;
  }

  private countReads(operation: string, output: Record<string, any>): void {
    if (operation === "Query" || operation === "Scan")
      this.reading.itemsRead += output.ScannedCount ?? output.Count ?? 0;
    else if (/^Get(Item)?$/.test(operation)) this.reading.itemsRead += output.Item ? 1 : 0;
    else if (/^BatchGet(Item)?$/.test(operation)) {
      for (const items of Object.values((output.Responses ?? {}) as Record<string, unknown[]>))
        this.reading.itemsRead += items.length;
    }
  }

  private countWrites(operation: string, input: Record<string, unknown>): void {
    const add = (table: string, n: number) => {
      this.reading.itemsWrittenByTable[table] = (this.reading.itemsWrittenByTable[table] ?? 0) + n;
    };
    if (/^(PutItem|UpdateItem|DeleteItem)$/.test(operation)) add(String(input.TableName), 1);
    if (operation === "BatchWriteItem") {
      for (const [table, requests] of Object.entries((input.RequestItems ?? {}) as Record<string, unknown[]>))
        add(table, requests.length);
    }
  }

  /** The reading since the last reset, and a reset. */
  take(): MeterReading {
    const r = this.reading;
    this.reading = RequestMeter.empty();
    return r;
  }

  peek(): MeterReading {
    return structuredClone(this.reading);
  }
}
