/** langgraph.json `env` naming a `.env` file: read as `langgraph dev` reads it (dotenv), into the graphs' environment. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../lib/graphs/config.js";

const dir = mkdtempSync(join(tmpdir(), "lambdagraph-env-"));
const saved = { ...process.env };
writeFileSync(join(dir, "langgraph.json"), JSON.stringify({ graphs: { g: "./g.ts:graph" }, env: ".env" }));
afterAll(() => {
  process.env = saved;
  rmSync(dir, { recursive: true, force: true });
});

/** Loads a langgraph.json whose `env` is a .env file holding `text`; returns the LG_ENV_* variables it set. */
function loadEnvFile(text: string): Record<string, string | undefined> {
  writeFileSync(join(dir, ".env"), text);
  for (const key of Object.keys(process.env)) if (key.startsWith("LG_ENV_")) delete process.env[key];
  loadConfig(join(dir, "langgraph.json"));
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith("LG_ENV_")));
}

describe("a .env file named by langgraph.json env", () => {
  it("skips comment lines and strips trailing comments, keeping # inside quotes", () => {
    const vars = loadEnvFile(
      [
        "# a comment line",
        "  # an indented one",
        "LG_ENV_PLAIN=value # trailing comment",
        'LG_ENV_DOUBLE="has # inside"',
        "LG_ENV_SINGLE='also # inside' # and a comment",
        "LG_ENV_URL=https://example.com/#anchor",
      ].join("\n"),
    );
    expect(vars).toEqual({
      LG_ENV_PLAIN: "value",
      LG_ENV_DOUBLE: "has # inside",
      LG_ENV_SINGLE: "also # inside",
      LG_ENV_URL: "https://example.com/",
    });
  });

  it("reads quoted values over several lines, and \\n escapes in double quotes only", () => {
    const vars = loadEnvFile(
      [
        'LG_ENV_KEY="-----BEGIN KEY-----',
        "abc",
        '-----END KEY-----"',
        'LG_ENV_ESCAPED="one\\ntwo"',
        "LG_ENV_LITERAL='one\\ntwo'",
        "LG_ENV_AFTER=still read",
      ].join("\r\n"),
    );
    expect(vars).toEqual({
      LG_ENV_KEY: "-----BEGIN KEY-----\nabc\n-----END KEY-----",
      LG_ENV_ESCAPED: "one\ntwo",
      LG_ENV_LITERAL: "one\\ntwo",
      LG_ENV_AFTER: "still read",
    });
  });

  it("accepts an export prefix, spaces around =, and empty values", () => {
    const vars = loadEnvFile(
      ["export LG_ENV_EXPORTED=yes", "LG_ENV_SPACED = spaced out ", "LG_ENV_EMPTY=", 'LG_ENV_EMPTY_QUOTED=""'].join(
        "\n",
      ),
    );
    expect(vars).toEqual({
      LG_ENV_EXPORTED: "yes",
      LG_ENV_SPACED: "spaced out",
      LG_ENV_EMPTY: "",
      LG_ENV_EMPTY_QUOTED: "",
    });
  });

  it("never overrides a variable already set", () => {
    process.env.LG_ENV_SET = "from the shell";
    writeFileSync(join(dir, ".env"), "LG_ENV_SET=from the file\nLG_ENV_NEW=new\n");
    loadConfig(join(dir, "langgraph.json"));
    expect(process.env.LG_ENV_SET).toBe("from the shell");
    expect(process.env.LG_ENV_NEW).toBe("new");
  });
});
