/**
 * A function's code: its bundle, built in CDK's bundling step (at synthesis, into the cloud assembly; skipped for
 * stacks that are not being deployed), never in a construct's constructor. The build runs locally, no Docker:
 * infra/bundle-cli.ts in a child process, the same build as `npm run build` (infra/bundling.ts).
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { pathToFileURL } from "node:url";
import { AssetHashType, DockerImage } from "aws-cdk-lib";
import { Code } from "aws-cdk-lib/aws-lambda";
import { ownModule, type FunctionName } from "./bundling.js";

const BUNDLE_CLI = ownModule("infra/bundle-cli.ts");
/** Our own tsx, wherever the synthesis runs from. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** The bundle of function `name` for the graphs in `configPath` (absolute), handler `index.handler`. */
export function functionCode(configPath: string, name: FunctionName): Code {
  const command = [process.execPath, "--import", TSX, BUNDLE_CLI, configPath, name];
  return Code.fromAsset(dirname(configPath), {
    assetHashType: AssetHashType.OUTPUT, // the bundle's own hash: an unchanged bundle is not uploaded again
    bundling: {
      // Required by the type, never pulled: the local build below either bundles or fails the synthesis.
      image: DockerImage.fromRegistry("lambdagraph-bundles-locally"),
      command: [...command, "/asset-output"], // names the build in the asset's cache key (one per config and function)
      local: {
        tryBundle(outputDir: string) {
          // stdout only on failure: the TypeScript checker behind the graphs' schemas prints its diagnostics there.
          const child = spawnSync(command[0], [...command.slice(1), outputDir], {
            stdio: ["ignore", "pipe", "inherit"],
            encoding: "utf8",
            maxBuffer: 64 * 1024 * 1024,
          });
          if (child.status !== 0) {
            process.stderr.write(child.stdout ?? "");
            throw new Error(
              `bundling the ${name} function for ${configPath} failed (${child.error?.message ?? `exit ${child.status}`})`,
            );
          }
          return true;
        },
      },
    },
  });
}
