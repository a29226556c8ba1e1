// The benchmark's baseline for `gloo batch`: what a user writes by hand — read the file, p-limit
// the SDK calls, append each result line to a JSONL file. No pacing, no resume, no cost.
// Usage: node bench/lib/plimit-batch.mjs IN.jsonl OUT.jsonl CONCURRENCY (GLOO_* from the environment).
import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { Gloo } from "@gloo-toolkit/sdk";
import pLimit from "p-limit";

const [input, output, concurrency] = process.argv.slice(2);
const gloo = new Gloo({
  baseURL: process.env.GLOO_BASE,
  clientId: process.env.GLOO_CLIENT_ID,
  clientSecret: process.env.GLOO_CLIENT_SECRET,
});
const limit = pLimit(Number(concurrency));
const out = createWriteStream(output, { flags: "a" });
const lines = (await readFile(input, "utf8"))
  .split("\n")
  .filter(Boolean)
  .map((line) => JSON.parse(line));
await Promise.all(
  lines.map((line) =>
    limit(async () => {
      const completion = await gloo.chat.completions.create(line.body);
      out.write(
        `${JSON.stringify({ custom_id: line.custom_id, response: { status_code: 200, body: completion } })}\n`,
      );
    }),
  ),
);
await new Promise((resolve) => out.end(resolve));
