import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The official checkpointer validation suite registers its tests with global describe/it/beforeAll.
    globals: true,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: {
      // The AWS SDK warns once per process that Node 20 support ends in 2027; the engines field already says >=20.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    },
  },
});
