import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { type Exchange, ExchangeLog } from "../src/internal/exchange-log.js";
import { tempDir } from "./helpers/cli.js";

const exchange = (reply: string): Exchange => ({
  v: 1,
  id: "x-1",
  time: "2026-11-30T00:00:00.000Z",
  cid: "c-1",
  command: "chat",
  api: "v1",
  baseURL: "http://127.0.0.1:1",
  routing: { model: "m" },
  messages: [{ role: "user", content: reply }],
  params: {},
  reply,
  latencyMs: 1,
});

describe("ExchangeLog scrubbing (the SDK's redactSecret)", () => {
  it("blanks a secret that JSON escapes, and a JWT-shaped token", async () => {
    const dir = await tempDir();
    const secret = 'se"cr\\et-0123456789';
    const log = new ExchangeLog(dir, { clientId: "id", clientSecret: secret });
    await log.append(exchange(`the secret is ${secret}; token eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl`));
    const text = await readFile(log.path, "utf8");
    expect(text).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(text).toContain("the secret is [redacted]; token [token]");
  });

  it("blanks a short secret only as a whole word, never inside other words", async () => {
    const dir = await tempDir();
    const log = new ExchangeLog(dir, { clientId: "id", clientSecret: "e" });
    await log.append(exchange("Client secret e was rejected"));
    const logged: Exchange[] = [];
    for await (const entry of log.read()) logged.push(entry);
    expect(logged[0]?.reply).toBe("Client secret [redacted] was rejected");
  });
});
