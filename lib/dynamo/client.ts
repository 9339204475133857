import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

export interface DynamoConnection {
  /** Set for the embedded server or any DynamoDB-compatible endpoint; unset on AWS. */
  endpoint?: string;
  region?: string;
}

/**
 * A document client with the marshalling options every store in lib/ relies on:
 * undefined values are dropped (they are absent in JSON too), and class instances are rejected.
 */
export function createDocumentClient(connection: DynamoConnection = {}): DynamoDBDocumentClient {
  const config: DynamoDBClientConfig = { region: connection.region ?? process.env.AWS_REGION ?? "us-east-1" };
  if (connection.endpoint) {
    config.endpoint = connection.endpoint;
    // The embedded server accepts any credentials; don't make users configure them.
    config.credentials = { accessKeyId: "local", secretAccessKey: "local" };
  }
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: false },
  });
}
