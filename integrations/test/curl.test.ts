import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Platform, PROXY_KEY, startPlatform, V1_MODEL } from "./helpers/platform.js";

const run = promisify(execFile);
let platform: Platform;

beforeAll(async () => {
  platform = await startPlatform({ key: PROXY_KEY });
});
afterAll(() => platform.close());

const body = (stream: boolean) =>
  JSON.stringify({
    model: V1_MODEL,
    stream,
    messages: [{ role: "user", content: "Reply with only: from curl" }],
  });

/** curl with only the proxy key; `-w` appends the status code on its own line. */
async function curl(path: string, args: string[]): Promise<{ status: number; body: string }> {
  const { stdout } = await run("curl", [
    "-sS",
    "-N",
    "-w",
    "\n%{http_code}",
    ...args,
    `${platform.proxy.url}${path}`,
  ]);
  const cut = stdout.lastIndexOf("\n");
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

describe("curl through the proxy with only the proxy key", () => {
  const auth = ["-H", `Authorization: Bearer ${PROXY_KEY}`, "-H", "content-type: application/json"];

  it("gets a JSON completion", async () => {
    const result = await curl("/v1/chat/completions", [...auth, "-d", body(false)]);
    expect(result.status).toBe(200);
    const completion = JSON.parse(result.body) as { choices: { message: { content: string } }[] };
    expect(completion.choices[0]?.message.content).toBe("from curl");
  });

  it("gets an SSE stream", async () => {
    const result = await curl("/v1/chat/completions", [...auth, "-d", body(true)]);
    expect(result.status).toBe(200);
    const data = result.body.split("\n").filter((line) => line.startsWith("data: {"));
    expect(data.length).toBeGreaterThan(1);
  });

  it("is refused without the key", async () => {
    const result = await curl("/v1/chat/completions", [
      "-H",
      "content-type: application/json",
      "-d",
      body(false),
    ]);
    expect(result.status).toBe(401);
    expect(result.body).toContain("invalid_proxy_key");
  });
});
