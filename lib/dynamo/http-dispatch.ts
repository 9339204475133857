import { Agent, request } from "node:http";
import { AUTHORIZATION, AMZ_DATE, type Dispatch, type DynamoHttpResponse } from "./in-process.js";

/**
 * Reaching a local DynamoDB emulator in another process (the embedded dynalite of `npm start -- --topology aws`, or
 * DynamoDB Local) the way `npm start` reaches its own: each call's target and JSON body POSTed as they are, unsigned,
 * on a kept-alive loopback connection, for the document client's direct path (lib/dynamo/direct.ts). An emulator
 * checks no signature, so what goes is the AWS SDK's per-call machinery and SigV4's HMACs: measured on this machine,
 * a GetItem took about 2-3 ms of CPU through the SDK over HTTP and about 0.4 ms so, nearly all of it the SDK's. The
 * socket hop between processes stays, as it does on AWS. Not for AWS: DynamoDB itself checks signatures.
 */
export function httpDispatch(endpoint: string): Dispatch & { destroy(): void } {
  const url = new URL(endpoint);
  if (url.protocol !== "http:") throw new Error(`httpDispatch: only a plain http:// endpoint, got ${endpoint}`);
  const agent = new Agent({ keepAlive: true });
  const send = (target: string, body: Uint8Array): Promise<DynamoHttpResponse> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: "/",
          method: "POST",
          agent,
          headers: {
            "content-type": "application/x-amz-json-1.0",
            "content-length": body.byteLength,
            "x-amz-target": target,
            authorization: AUTHORIZATION,
            "x-amz-date": AMZ_DATE,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", reject);
          res.on("end", () => {
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(res.headers))
              if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(",") : value;
            resolve({ statusCode: res.statusCode ?? 500, headers, body: Buffer.concat(chunks) });
          });
        },
      );
      req.on("error", (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
      req.end(body);
    });
  const dispatch = async (target: string, body: Uint8Array): Promise<DynamoHttpResponse> => {
    try {
      return await send(target, body);
    } catch (err) {
      // A kept-alive connection the server closed as this call went out on it: the call never arrived; once more.
      const { code, reusedSocket } = err as NodeJS.ErrnoException & { reusedSocket?: boolean };
      if (reusedSocket && (code === "ECONNRESET" || code === "EPIPE")) return send(target, body);
      throw err;
    }
  };
  return Object.assign(dispatch, { destroy: () => agent.destroy() });
}
