import { describe, expect, it } from "vitest";
import { toJUnit } from "../src/internal/junit.js";

describe("toJUnit", () => {
  it("counts failures, escapes XML and keeps passing cases self-closing", () => {
    const xml = toJUnit("gloo health", [
      { name: "echo", classname: "model-a", timeMs: 1500 },
      {
        name: "stream",
        classname: "model<b>",
        timeMs: 20,
        failure: 'expected "OK" & got\u0001 nothing',
        output: "request id: r-1",
      },
    ]);
    expect(xml).toContain('<testsuite name="gloo health" tests="2" failures="1" errors="0" time="1.520">');
    expect(xml).toContain('<testcase name="echo" classname="model-a" time="1.500"/>');
    expect(xml).toContain('classname="model&lt;b&gt;"');
    expect(xml).toContain('<failure message="expected &quot;OK&quot; &amp; got nothing">');
    expect(xml).toContain("<system-out>request id: r-1</system-out>");
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  });
});
