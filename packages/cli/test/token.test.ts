import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EMULATOR_SECRET, emulated, expectNoLeaks, runCli, tempDir } from "./helpers/cli.js";

describe("gloo token", () => {
  it("prints the length and expiry with the token masked", async () => {
    const { env, fetch } = emulated();
    const run = await runCli(["token"], { env, fetch });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Token acquired: \d+ chars, Bearer, expires in 3600 s/);
    expect(run.stdout).toContain("…");
    expectNoLeaks(run);
  });

  it("on a terminal, a spinner on stderr says it waits for the OAuth token, then erases itself", async () => {
    const { env, fetch } = emulated();
    const run = await runCli(["token"], { env, fetch, tty: true });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("waiting for the OAuth token…");
    expect(run.stderr.endsWith("\r\u001b[2K")).toBe(true);
    expectNoLeaks(run);
  });

  it("prints only the token with --show, and metadata with --json", async () => {
    const { env, fetch } = emulated();
    const shown = await runCli(["token", "--show"], { env, fetch });
    expect(shown.stdout).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const json = JSON.parse((await runCli(["token", "--json"], { env, fetch })).stdout) as Record<
      string,
      unknown
    >;
    expect(json).toMatchObject({ tokenType: "Bearer", expiresIn: 3600, scope: "api/access" });
    expect(json.accessToken).toContain("…");
    expect(json.length).toBe(shown.stdout.trim().length);
  });

  it("reads the credentials from .env in the working directory", async () => {
    const { env, fetch } = emulated();
    const cwd = await tempDir();
    await writeFile(
      join(cwd, ".env"),
      `GLOO_BASE=${env.GLOO_BASE}\nGLOO_AI_CLIENT_ID=emulator-client\nGLOO_AI_CLIENT_SECRET="${EMULATOR_SECRET}"\n`,
    );
    const run = await runCli(["token"], { env: {}, fetch, cwd });
    expect(run.code).toBe(0);
    expectNoLeaks(run);
  });

  it("exits 2 naming the variables when credentials are missing", async () => {
    const run = await runCli(["token"], { env: { GLOO_CLIENT_ID: "x" } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("GLOO_CLIENT_SECRET is not set");
    expect(run.stderr).toContain("export GLOO_CLIENT_SECRET=");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 1 with advice and no secret when the credentials are wrong", async () => {
    const { env, fetch } = emulated();
    const run = await runCli(["token"], { env: { ...env, GLOO_CLIENT_SECRET: "wrong-secret-value" }, fetch });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("invalid_client");
    expect(run.stderr).toContain("Check GLOO_CLIENT_ID and GLOO_CLIENT_SECRET");
    expectNoLeaks(run, "wrong-secret-value");
  });

  it("reuses a cached token, and replaces it when the platform no longer accepts it", async () => {
    const { emulator, env, fetch } = emulated();
    const dirs = { ...env, XDG_CACHE_HOME: await tempDir() };
    expect((await runCli(["chat", "Reply with only: A"], { env: dirs, fetch })).code).toBe(0);
    expect((await runCli(["chat", "Reply with only: B"], { env: dirs, fetch })).code).toBe(0);
    expect(emulator.tokensIssued).toBe(1);
    // Revoked: the cached token gets a 401, so the client asks for a new one once and carries on.
    emulator.revokeTokens();
    const after = await runCli(["chat", "Reply with only: C"], { env: dirs, fetch });
    expect(after).toMatchObject({ code: 0, stdout: "C\n" });
    expect(emulator.tokensIssued).toBe(2);
    expect((await runCli(["chat", "Reply with only: D"], { env: dirs, fetch })).code).toBe(0);
    expect(emulator.tokensIssued).toBe(2);
  });

  it("does not reuse a token about to expire, nor write a cache without a cache directory", async () => {
    const { emulator, env, fetch } = emulated({ tokenTtlSeconds: 60 });
    const dirs = { ...env, XDG_CACHE_HOME: await tempDir() };
    await runCli(["chat", "Reply with only: A"], { env: dirs, fetch });
    await runCli(["chat", "Reply with only: B"], { env: dirs, fetch });
    expect(emulator.tokensIssued).toBe(2);
    const bare = emulated();
    await runCli(["chat", "Reply with only: A"], { env: bare.env, fetch: bare.fetch });
    await runCli(["chat", "Reply with only: B"], { env: bare.env, fetch: bare.fetch });
    expect(bare.emulator.tokensIssued).toBe(2);
  });

  it("says what --clear did", async () => {
    const { env, fetch } = emulated();
    const dirs = { ...env, XDG_CACHE_HOME: await tempDir() };
    expect((await runCli(["token", "--clear"], { env: dirs })).stdout).toMatch(
      /^No token cache at \S+tokens\.json\.\n$/,
    );
    await runCli(["token"], { env: dirs, fetch });
    expect((await runCli(["token", "--clear"], { env: dirs })).stdout).toMatch(/^Token cache cleared \(/);
  });
});
