import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { COLLECTION_FILE_NAME, ENVIRONMENT_FILE_NAME, renderPostmanFiles } from "../src/postman/files.js";

const committedDir = new URL("../../../postman/", import.meta.url);
const REGENERATE = "run `node packages/cli/bin.js postman --out postman` (after `npx tsc -b`) to regenerate";

describe("renderPostmanFiles", () => {
  it("renders the collection and the environment under the quickstart's file names", () => {
    const files = renderPostmanFiles();
    expect(files.map((file) => file.fileName)).toEqual([COLLECTION_FILE_NAME, ENVIRONMENT_FILE_NAME]);
    expect(COLLECTION_FILE_NAME).toBe("Gloo_AI_Postman_Collection_v2.2_EN.json");
    expect(ENVIRONMENT_FILE_NAME).toBe("Gloo_AI_Environment_EN.postman_environment.json");
    for (const file of files) {
      expect(() => JSON.parse(file.text), file.fileName).not.toThrow();
      expect(file.text.endsWith("}\n"), file.fileName).toBe(true);
    }
  });

  it("matches the committed files in postman/", async () => {
    for (const file of renderPostmanFiles()) {
      const committed = await readFile(new URL(file.fileName, committedDir), "utf8");
      expect(committed, `postman/${file.fileName} differs from the generator: ${REGENERATE}`).toBe(file.text);
    }
  });
});
