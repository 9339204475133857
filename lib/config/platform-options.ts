/**
 * The timing options a deployment sets through its environment (the CDK construct's `timing` prop → the variables
 * of OPTION_ENV → here), for lib/runtime.ts. Unset variables keep the defaults of lib/platform.ts.
 */
import { z } from "zod";
import { OPTION_ENV, type TimingOption } from "./env.js";

const Milliseconds = z.coerce.number().int().positive();

export type TimingOptions = Partial<Record<TimingOption, number>>;

/**
 * Timing defaults of the deployed functions (lib/runtime.ts), over lib/platform.ts's, which `npm start` keeps: there
 * a run may be cancelled from another function, so a running run reads its item for a cancel this often. A cancel
 * then reaches the graph in 50 ms on average, for 10 eventually consistent reads a second while the run runs: 5 read
 * units a second (a run item under 4 KB), 18,000 an hour, some $0.0023 an hour on demand ($0.125 per million) —
 * about 4% of the Lambda cost of the run at 1 GB ($0.06 an hour).
 */
export const FUNCTION_TIMING_DEFAULTS: TimingOptions = { cancelPollMs: 100 };

/** The timing options set in `env`; a bad value is an error naming the variable and what it must be. */
export function timingFromEnv(env: NodeJS.ProcessEnv = process.env): TimingOptions {
  const options: TimingOptions = {};
  for (const [option, name] of Object.entries(OPTION_ENV) as [TimingOption, string][]) {
    const text = env[name];
    if (text === undefined || text === "") continue;
    const parsed = Milliseconds.safeParse(text);
    if (!parsed.success)
      throw new Error(
        `lambdagraph: ${name} must be a positive whole number of milliseconds, got ${JSON.stringify(text)}`,
      );
    options[option] = parsed.data;
  }
  return options;
}

/** The variables that carry `options` (for the CDK construct); a bad value is refused at synth. */
export function timingToEnv(options: TimingOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [option, value] of Object.entries(options) as [TimingOption, number | undefined][]) {
    if (value === undefined) continue;
    if (!(option in OPTION_ENV)) throw new Error(`LangGraphPlatform: unknown timing option ${option}`);
    if (!Number.isInteger(value) || value <= 0)
      throw new Error(
        `LangGraphPlatform: timing.${option} must be a positive whole number of milliseconds, got ${value}`,
      );
    env[OPTION_ENV[option]] = String(value);
  }
  return env;
}
