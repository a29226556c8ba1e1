import { describe, expect, it } from "vitest";

describe("integration runtime", () => {
  it("runs on Node 24 from the node@24 package, as the latest majors require", () => {
    expect(process.versions.node.split(".")[0]).toBe("24");
  });
});
