import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { LOCAL_CREDENTIALS, unsignedAuthSchemes, type inProcessRequestHandler } from "./in-process.js";

export interface DynamoConnection {
  /** Set for the embedded server or any DynamoDB-compatible endpoint; unset on AWS. */
  endpoint?: string;
  region?: string;
  /** Set for an embedded dynalite reached in process (lib/dynamo/in-process.ts): no TCP, no signing. */
  requestHandler?: ReturnType<typeof inProcessRequestHandler>;
}

/** The endpoint an in-process client names: the SDK resolves one, though nothing listens there. */
const IN_PROCESS_ENDPOINT = "http://dynalite.in-process";

/**
 * A document client with the marshalling options every store in lib/ relies on:
 * undefined values are dropped (they are absent in JSON too), and class instances are rejected.
 */
export function createDocumentClient(connection: DynamoConnection = {}): DynamoDBDocumentClient {
  const config: DynamoDBClientConfig = { region: connection.region ?? process.env.AWS_REGION ?? "us-east-1" };
  if (connection.requestHandler) {
    config.endpoint = IN_PROCESS_ENDPOINT;
    config.requestHandler = connection.requestHandler;
    config.httpAuthSchemes = unsignedAuthSchemes;
    config.credentials = LOCAL_CREDENTIALS;
  } else if (connection.endpoint) {
    config.endpoint = connection.endpoint;
    // The embedded server accepts any credentials; don't make users configure them.
    config.credentials = LOCAL_CREDENTIALS;
  }
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: false },
  });
}
