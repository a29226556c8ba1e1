import { describe, expect, it } from "vitest";
import { UsageError } from "../src/errors.js";
import { type CommandSpec, helpText, parseCommandArgs, wantsHelp } from "../src/internal/args.js";

const options = {
  base: { type: "string" },
  json: { type: "boolean" },
  model: { type: "string", short: "m" },
} as const;

const spec: CommandSpec<typeof options> = {
  usage: "gloo demo [options]",
  description: "A demo command.",
  options,
  optionHelp: { base: "Base URL", json: "Print JSON", model: "Model id" },
  examples: ["gloo demo --json"],
};

describe("wantsHelp", () => {
  it("sees --help and -h among the flags", () => {
    expect(wantsHelp(["--json", "--help"])).toBe(true);
    expect(wantsHelp(["-h"])).toBe(true);
    expect(wantsHelp(["--json"])).toBe(false);
  });

  it("ignores them after --, where they are values", () => {
    expect(wantsHelp(["--", "-h"])).toBe(false);
  });
});

describe("parseCommandArgs", () => {
  it("parses known flags", () => {
    const args = parseCommandArgs(spec, ["--base", "http://x", "--json", "-m", "m1"]);
    expect(args.values).toEqual({ base: "http://x", json: true, model: "m1" });
  });

  it("turns an unknown flag into a UsageError naming it, with the usage", () => {
    const error = (() => {
      try {
        parseCommandArgs(spec, ["--bogus"]);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toContain("--bogus");
    expect((error as UsageError).hint).toContain("gloo demo [options]");
  });

  it("refuses positionals unless the command takes them", () => {
    expect(() => parseCommandArgs(spec, ["stray"])).toThrow(/unexpected argument "stray"/);
    expect(parseCommandArgs({ ...spec, allowPositionals: true }, ["a", "b"]).positionals).toEqual(["a", "b"]);
  });
});

describe("helpText", () => {
  it("lists usage, every option with its help, and the examples", () => {
    const text = helpText(spec);
    expect(text).toMatch(/^Usage: gloo demo \[options\]/);
    expect(text).toMatch(/--base <URL>\s+Base URL/);
    expect(text).toMatch(/-m, --model <value>\s+Model id/);
    expect(text).toMatch(/-h, --help\s+Show this help/);
    expect(text).toContain("  gloo demo --json");
  });
});
