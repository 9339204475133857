/**
 * The process's Platform, for the Lambda entry points. `npm start` (and tests) install a local one before the
 * handlers run; on AWS it is built on first use from the environment the CDK stack sets.
 */
import type { Platform } from "./platform.js";

let current: Promise<Platform> | undefined;

export function setPlatform(platform: Platform | Promise<Platform>): void {
  current = Promise.resolve(platform);
}

export function getPlatform(): Promise<Platform> {
  if (!current) {
    // The AWS wiring (SQS queue, tables from the environment) comes with the AWS issue.
    throw new Error("lambdagraph: no platform configured for this process (the AWS runtime wiring is not built yet)");
  }
  return current;
}
