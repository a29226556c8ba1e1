import { describe, expect, it } from "vitest";
import { colorEnabled, createStyle, formatDuration, startSpinner } from "../src/internal/output.js";
import { capture } from "./helpers/cli.js";

describe("colorEnabled", () => {
  it("is on only for a terminal without NO_COLOR", () => {
    expect(colorEnabled(capture(true), {})).toBe(true);
    expect(colorEnabled(capture(false), {})).toBe(false);
    expect(colorEnabled(capture(true), { NO_COLOR: "1" })).toBe(false);
    expect(colorEnabled(capture(true), { NO_COLOR: "" })).toBe(true);
    expect(colorEnabled(capture(true), { TERM: "dumb" })).toBe(false);
  });
});

describe("createStyle", () => {
  it("wraps text in ANSI codes when enabled and leaves it alone otherwise", () => {
    expect(createStyle(true).red("x")).toBe("\u001b[31mx\u001b[39m");
    expect(createStyle(false).red("x")).toBe("x");
  });
});

describe("startSpinner", () => {
  it("writes nothing when stderr is not a terminal", () => {
    const stderr = capture(false);
    const spinner = startSpinner(stderr, {}, "working");
    spinner.update("still working");
    spinner.stop();
    expect(stderr.text()).toBe("");
  });

  it("draws on a terminal and erases its line when stopped", () => {
    const stderr = capture(true);
    const spinner = startSpinner(stderr, {}, "working");
    spinner.stop();
    spinner.stop();
    expect(stderr.text()).toContain("working");
    expect(stderr.text().endsWith("\r\u001b[2K")).toBe(true);
  });
});

describe("formatDuration", () => {
  it("uses ms below a second and seconds above", () => {
    expect(formatDuration(12.4)).toBe("12 ms");
    expect(formatDuration(2345)).toBe("2.3 s");
  });
});
