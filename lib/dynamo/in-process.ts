import { EventEmitter } from "node:events";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import type { Act } from "./dynalite-actions.js";

/**
 * Reaching dynalite without TCP: an AWS SDK request handler (the Smithy `HttpHandler` shape) that hands each
 * request to dynalite's own HTTP request listener as an in-memory request/response pair. The SDK still builds the
 * request (same commands, same JSON marshalling) and parses the response; what is gone is the loopback socket, Node's
 * HTTP on both ends, and SigV4 (see `unsignedAuthSchemes`).
 */

/** What dynalite answers, as the SDK's deserializers read it. */
export interface DynamoHttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** One DynamoDB call as dynalite takes it: the `x-amz-target` header and the JSON body. */
export type Dispatch = (target: string, body: Uint8Array) => Promise<DynamoHttpResponse>;

/**
 * dynalite checks that a request carries the shape of a SigV4 Authorization header (it never verifies it), so
 * unsigned in-process requests carry this fixed one.
 */
export const AUTHORIZATION =
  "AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0";
export const AMZ_DATE = "20200101T000000Z";

/** Calls dynalite's request listener with an in-memory request and response. */
export function dispatchTo(listener: RequestListener): Dispatch {
  return (target, body) =>
    new Promise((resolve, reject) => {
      const req = Object.assign(new EventEmitter(), {
        method: "POST",
        url: "/",
        headers: {
          "content-type": "application/x-amz-json-1.0",
          "x-amz-target": target,
          authorization: AUTHORIZATION,
          "x-amz-date": AMZ_DATE,
        },
      });
      const headers: Record<string, string> = {};
      const res = {
        statusCode: 200,
        contentType: "",
        setHeader(name: string, value: string | number) {
          headers[name.toLowerCase()] = String(value);
        },
        end(chunk?: string) {
          resolve({ statusCode: res.statusCode, headers, body: Buffer.from(chunk ?? "") });
        },
      };
      try {
        listener(req as unknown as IncomingMessage, res as unknown as ServerResponse);
        req.emit("data", Buffer.from(body.buffer, body.byteOffset, body.byteLength));
        req.emit("end");
      } catch (err) {
        reject(err);
      }
    });
}

interface SdkRequest {
  headers: Record<string, string>;
  body?: unknown;
}

/**
 * Each operation as a DynamoDB JSON request through `dispatch`: its body the JSON text of `input`, its answer the
 * parse of what comes back (for a dynalite reached only through a dispatch, such as one in another process).
 */
export function actThrough(dispatch: Dispatch): Act {
  return async (operation, input) => {
    const response = await dispatch(`DynamoDB_20120810.${operation}`, Buffer.from(JSON.stringify(input)));
    const text = Buffer.from(response.body).toString("utf8");
    return { status: response.statusCode, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
}

/**
 * The request handler for the SDK client's `requestHandler`, carrying `act` for the document client's direct path
 * (lib/dynamo/direct.ts): dynalite's operations without its HTTP handler when it is in this process
 * (lib/dynamo/dynalite-actions.ts), else the same requests through `dispatch`.
 */
export function inProcessRequestHandler(dispatch: Dispatch, act: Act = actThrough(dispatch)) {
  return {
    act,
    async handle(request: SdkRequest) {
      const target = request.headers["x-amz-target"] ?? request.headers["X-Amz-Target"];
      // The SDK's JSON body: a Uint8Array (whose valueOf() is a string, so no Buffer.from(body)), or a string.
      const body = request.body;
      const bytes = body instanceof Uint8Array ? body : Buffer.from(typeof body === "string" ? body : "");
      return { response: await dispatch(target, bytes) };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {},
  };
}

export const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

/**
 * The SDK's SigV4 auth scheme with a signer that signs nothing: an in-process dynalite checks no signature, so the
 * HMAC work per request is skipped.
 */
export const unsignedAuthSchemes: NonNullable<DynamoDBClientConfig["httpAuthSchemes"]> = [
  {
    schemeId: "aws.auth#sigv4",
    identityProvider: () => async () => ({ ...LOCAL_CREDENTIALS, expiration: undefined }),
    signer: { sign: async (request) => request },
  },
];
