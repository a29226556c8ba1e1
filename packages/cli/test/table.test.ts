import { describe, expect, it } from "vitest";
import { formatTable } from "../src/internal/table.js";

describe("formatTable", () => {
  it("aligns columns under a ruled header without trailing spaces", () => {
    const text = formatTable(
      ["id", "family"],
      [
        ["a-long-id", "x"],
        ["b", ""],
      ],
    );
    expect(text).toBe(`${["id         family", "---------  ------", "a-long-id  x", "b"].join("\n")}\n`);
  });
});
