// The batch output files as resume state: a partial last line is cut off, done ids are read, and
// appends land whole after the repair.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkBatchText, MAX_BATCH_LINES } from "../src/internal/batch-input.js";
import { openBatchOutput } from "../src/internal/batch-output.js";
import { tempDir } from "./helpers/cli.js";

const line = (id: string) => ({
  id: `batch_req_${id}`,
  custom_id: id,
  response: null,
  error: { code: "x", message: "y" },
});

describe("openBatchOutput", () => {
  it("cuts a partial last line (a kill mid-write), reads done ids from both files, appends whole lines", async () => {
    const dir = await tempDir();
    const paths = { results: join(dir, "r.jsonl"), errors: join(dir, "e.jsonl") };
    await writeFile(
      paths.results,
      `${JSON.stringify(line("a"))}\n${JSON.stringify(line("b"))}\n{"id":"batch_req_c","cus`,
    );
    await writeFile(paths.errors, `${JSON.stringify(line("d"))}\n`);
    const output = await openBatchOutput(paths);
    expect([...output.done].sort()).toEqual(["a", "b", "d"]);
    expect(output.repaired).toBe(1);
    await output.append(true, line("c"));
    await output.close();
    const rows = (await readFile(paths.results, "utf8")).split("\n");
    expect(rows).toHaveLength(4);
    expect(rows.slice(0, 3).map((row) => JSON.parse(row).custom_id)).toEqual(["a", "b", "c"]);
    expect(rows[3]).toBe("");
  });

  it("creates missing files, and refuses a file it cannot read as batch output", async () => {
    const dir = await tempDir();
    const fresh = await openBatchOutput({ results: join(dir, "r.jsonl"), errors: join(dir, "e.jsonl") });
    expect(fresh.done.size).toBe(0);
    await fresh.close();
    await writeFile(join(dir, "bad.jsonl"), "hello\n");
    await expect(
      openBatchOutput({ results: join(dir, "bad.jsonl"), errors: join(dir, "e.jsonl") }),
    ).rejects.toThrow("line 1 of");
  });
});

describe("checkBatchText", () => {
  it(`refuses more than ${MAX_BATCH_LINES} requests, before any other check`, () => {
    const row = JSON.stringify({
      custom_id: "same",
      url: "/v1/chat/completions",
      body: { messages: [{ role: "user", content: "Hi" }] },
    });
    const { problems } = checkBatchText(`${row}\n`.repeat(MAX_BATCH_LINES + 1), "v1");
    expect(problems[0]).toBe(
      `the file has ${MAX_BATCH_LINES + 1} requests; at most ${MAX_BATCH_LINES} are allowed: split it into several files`,
    );
    expect(problems).toHaveLength(1 + MAX_BATCH_LINES); // and every repeated custom_id
  });
});
