/**
 * Runs before each test file (vitest.config.ts `setupFiles`). The suite runs with `isolate: false`: a worker process
 * runs file after file, so the dependencies in node_modules (the AWS SDK, LangGraph, zod, TypeScript...) are loaded
 * once per worker instead of once per file, which was about half the suite's CPU on CI's 2 cores. What a file could
 * observe of the files before it is reset here, as a fresh process would have it:
 * - the project's own modules (lib/, functions/, test/, the example graphs) are evaluated again, so their module
 *   state (the platform of lib/runtime.ts, warn-once flags, registered graphs) starts empty;
 * - the environment is put back as it was when the worker started.
 */
import { afterAll, vi } from "vitest";

vi.resetModules();

const startEnv = { ...process.env };
afterAll(() => {
  for (const key of Object.keys(process.env)) if (!(key in startEnv)) delete process.env[key];
  Object.assign(process.env, startEnv);
});
