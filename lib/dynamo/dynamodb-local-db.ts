/**
 * A database of its own on a DynamoDB Local that others share (the tests' one JVM for a whole run, see
 * test/helpers/dynamodb-local-global.ts): a small HTTP front that forwards every request to it, naming an access key
 * of its own (and one region) in the request's credential scope. DynamoDB Local started without `-sharedDb` keeps one database per
 * access key (and region), so what is reached through this front's endpoint — from this process or any other — is
 * as separate from the rest as a DynamoDB Local of its own, without the seconds of CPU a JVM takes to start.
 */
import { randomUUID } from "node:crypto";
import { Agent, createServer, request, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { DeleteTableCommand, DynamoDBClient, paginateListTables } from "@aws-sdk/client-dynamodb";

export interface DynamoDbLocalDatabase {
  endpoint: string;
  /** Drops the database's tables (DynamoDB Local keeps them in memory) and stops forwarding. */
  close(): Promise<void>;
}

/** `shared`: the shared DynamoDB Local's endpoint (`http://host:port`). */
export async function openDynamoDbLocalDatabase(shared: string): Promise<DynamoDbLocalDatabase> {
  const target = new URL(shared);
  const accessKey = `db${randomUUID().replaceAll("-", "")}`;
  const agent = new Agent({ keepAlive: true });
  const server = createServer((req, res) => {
    const headers: IncomingHttpHeaders = { ...req.headers, host: target.host };
    if (headers.authorization)
      headers.authorization = headers.authorization.replace(
        /Credential=[^/]*\/([^/]*)\/[^/]*\//,
        `Credential=${accessKey}/$1/us-east-1/`,
      );
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", (err) => res.destroy(err));
    req.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    async close() {
      const client = new DynamoDBClient({
        endpoint,
        region: "us-east-1",
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
      });
      try {
        for await (const page of paginateListTables({ client }, {}))
          for (const name of page.TableNames ?? []) await client.send(new DeleteTableCommand({ TableName: name }));
      } finally {
        client.destroy();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        agent.destroy();
      }
    },
  };
}
