// `gloo emulator --request-log FILE` (with --queue-fault and --retry-after, the flags the batch
// tests drive the emulator with): one JSON line per request, answered or dropped.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createEmulator, DROP_CONNECTION } from "@gloo-toolkit/servers";
import { describe, expect, it } from "vitest";
import { requestLogged } from "../src/internal/request-log.js";
import { runCli, tempDir } from "./helpers/cli.js";

const readLog = async (path: string) =>
  (await readFile(path, "utf8"))
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));

describe("requestLogged", () => {
  it("appends arrival time, method, path, status, ms and request id; a drop as dropped", async () => {
    const path = join(await tempDir(), "log.jsonl");
    const emulator = createEmulator({ seed: 1 });
    const handler = requestLogged(emulator.fetch, path);
    const before = Date.now();
    await handler(new Request("http://emulator.test/platform/v2/models"));
    emulator.queueFault("drop");
    const token = await (
      await handler(
        new Request("http://emulator.test/oauth2/token", {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: "grant_type=client_credentials&client_id=emulator-client&client_secret=emulator-secret",
        }),
      )
    ).json();
    const completion = new Request("http://emulator.test/ai/v1/chat/completions", {
      method: "POST",
      headers: { authorization: `Bearer ${token.access_token}`, "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: "Hi" }] }),
    });
    await expect(handler(completion)).rejects.toBe(DROP_CONNECTION);
    const log = await readLog(path);
    expect(log.map((entry) => [entry.method, entry.path, entry.status])).toEqual([
      ["GET", "/platform/v2/models", 200],
      ["POST", "/oauth2/token", 200],
      ["POST", "/ai/v1/chat/completions", "dropped"],
    ]);
    expect(log[0].at).toBeGreaterThanOrEqual(before);
    expect(log[0].requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(log[2].requestId).toBeNull();
  });
});

describe("gloo emulator's test flags", () => {
  it("refuses a bad --queue-fault, --retry-after or --request-log path with exit 2", async () => {
    const fault = await runCli(["emulator", "--port", "0", "--queue-fault", "teapot"]);
    expect(fault.code).toBe(2);
    expect(fault.stderr).toContain('--queue-fault: Unknown x-emulator-fault item "teapot"');
    const retry = await runCli(["emulator", "--port", "0", "--retry-after", "soon"]);
    expect(retry.code).toBe(2);
    expect(retry.stderr).toContain("--retry-after must be a whole number ≥ 0");
    const log = await runCli(["emulator", "--port", "0", "--request-log", "/nonexistent-dir/log.jsonl"]);
    expect(log.code).toBe(2);
    expect(log.stderr).toContain("cannot write --request-log /nonexistent-dir/log.jsonl");
  });
});
