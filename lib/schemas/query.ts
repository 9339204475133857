import { z } from "zod";

/**
 * Query-string flags, the one place their words become booleans: `true`/`1` or `false`/`0`, as the SDK sends them
 * (published to OpenAPI as the words; handlers receive the boolean).
 */
export const Flag = z.enum(["true", "false", "1", "0"]).transform((word) => word === "true" || word === "1");

/** The store's `refresh_ttl` also takes yes/no, in any case. */
export const LenientFlag = z
  .string()
  .transform((word) => word.toLowerCase())
  .pipe(z.enum(["true", "false", "1", "0", "yes", "no"]))
  .transform((word) => ["true", "1", "yes"].includes(word));
