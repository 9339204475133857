import { availableParallelism } from "node:os";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { defineConfig } from "vitest/config";

/**
 * The package test (test/package: npm pack, npm install, build, cdk synth) is the suite's longest file by far, and
 * mostly waits on its child processes. Started first, it runs beside the others; started where vitest puts it on a
 * fresh clone (no duration cache: larger files first, and it is a small file), it ran last and alone.
 */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const first = (spec: TestSpecification) => (/[/\\]test[/\\]package[/\\]/.test(spec.moduleId) ? 0 : 1);
    return sorted.sort((a, b) => first(a) - first(b)); // stable: the rest keep vitest's order
  }
}

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The official checkpointer validation suite registers its tests with global describe/it/beforeAll.
    globals: true,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One file per core. vitest's default keeps a core for itself (one worker on CI's 2 cores): the files mostly
    // wait on servers, child processes and timers, so that core sat idle while the suite ran one file at a time.
    maxWorkers: availableParallelism(),
    // A worker runs file after file in one process, keeping what it loaded from node_modules; each file still gets
    // fresh project modules and environment (test/helpers/fresh-file.ts).
    isolate: false,
    setupFiles: ["test/helpers/fresh-file.ts"],
    // Under npm run test:dynamodb-local, one DynamoDB Local for the run, a database of its own per embedded DynamoDB.
    globalSetup: ["test/helpers/dynamodb-local-global.ts"],
    sequence: { sequencer: LongestFirst },
    env: {
      // The AWS SDK warns once per process that Node 20 support ends in 2027; the engines field already says >=20.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    },
  },
});
