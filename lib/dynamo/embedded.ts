import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import dynalite from "dynalite";

/**
 * An embedded DynamoDB-compatible server (dynalite), in this process, for `npm start` and the tests.
 * In memory by default; on disk (LevelDB) when `path` is given.
 *
 * Known gaps against real DynamoDB (and so designed around in lib/): no TransactWriteItems, TTL is not
 * enforced, no Streams. Conditional single-item writes, Query paging, GSIs, batch writes and the 400 KB
 * item limit all behave as on AWS.
 */
export interface EmbeddedDynamo {
  endpoint: string;
  close(): Promise<void>;
}

export async function startEmbeddedDynamo(options: { path?: string; port?: number; host?: string } = {}): Promise<EmbeddedDynamo> {
  if (options.path) mkdirSync(options.path, { recursive: true });
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, path: options.path });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
