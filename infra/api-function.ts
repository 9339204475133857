/** The API function: every REST and SSE route, behind a function URL in RESPONSE_STREAM mode. */
import { Duration } from "aws-cdk-lib";
import {
  Function as LambdaFunction,
  FunctionUrlAuthType,
  HttpMethod,
  InvokeMode,
  type FunctionUrl,
  type FunctionUrlCorsOptions,
} from "aws-cdk-lib/aws-lambda";
import type { ISecret } from "aws-cdk-lib/aws-secretsmanager";
import type { Construct } from "constructs";
import { deploymentCors } from "../lib/extensions/cors.js";
import type { HttpCorsConfig } from "../lib/extensions/config.js";
import { CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS, CORS_MAX_AGE_SECONDS } from "../lib/http/cors.js";
import { grantPlatformAccess, platformFunctionProps, type PlatformFunctionProps } from "./platform-function.js";

export type ApiAuth = "apiKey" | "iam" | "none";

export interface ApiFunctionProps extends PlatformFunctionProps {
  /**
   * Who may call the API. `apiKey` (default): the function URL is public but every request except GET /ok must
   * carry the key held in `apiKey` in `x-api-key`. `iam`: SigV4-signed requests only. `none`: open to anyone.
   */
  auth?: ApiAuth;
  /** The secret holding the API key; required with `auth: "apiKey"`. */
  apiKey?: ISecret;
  /** Origins whose pages may call the API from a browser, besides langgraph.json `http.cors`. "*" is refused. */
  corsOrigins?: string[];
}

export class ApiFunction extends LambdaFunction {
  readonly url: FunctionUrl;

  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    const auth = props.auth ?? "apiKey";
    if (auth === "apiKey" && !props.apiKey) throw new Error(`ApiFunction ${id}: auth "apiKey" needs the apiKey secret`);
    const apiKey = auth === "apiKey" ? props.apiKey : undefined;
    super(scope, id, platformFunctionProps("api", "lambdagraph API: every REST and SSE route", props, apiKey));
    grantPlatformAccess(this, props);
    apiKey?.grantRead(this);
    this.url = this.addFunctionUrl({
      authType: auth === "iam" ? FunctionUrlAuthType.AWS_IAM : FunctionUrlAuthType.NONE,
      invokeMode: InvokeMode.RESPONSE_STREAM,
      cors: corsFor(props.corsOrigins, props.config.http?.cors),
    });
  }
}

/** The function URL's CORS: the deploy's corsOrigins and langgraph.json's http.cors (lib/extensions/cors.ts). */
function corsFor(
  origins: string[] | undefined,
  fromConfig: HttpCorsConfig | undefined,
): FunctionUrlCorsOptions | undefined {
  const cors = deploymentCors(origins, fromConfig);
  if (!cors) return undefined;
  return {
    allowedOrigins: cors.origins,
    allowedMethods: cors.methods.map((m) => (m === "*" ? HttpMethod.ALL : (m as HttpMethod))),
    allowedHeaders: cors.allowHeaders ?? [...CORS_ALLOW_HEADERS],
    exposedHeaders: cors.exposeHeaders ?? [...CORS_EXPOSE_HEADERS],
    maxAge: Duration.seconds(cors.maxAgeSeconds ?? CORS_MAX_AGE_SECONDS),
    allowCredentials: cors.credentials,
  };
}
