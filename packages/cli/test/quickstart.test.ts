import { describe, expect, it } from "vitest";
import { emulated, expectNoLeaks, runCli, tempDir } from "./helpers/cli.js";

describe("gloo quickstart", () => {
  it("runs end to end on an embedded emulator when no credentials are set, and says so", async () => {
    const run = await runCli(["quickstart"], { env: {} });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/against the embedded emulator at http:\/\/127\.0\.0\.1:\d+/);
    expect(run.stdout).toContain("export GLOO_CLIENT_ID=");
    expect(run.stdout).toMatch(/Token acquired: \d+ chars, expires in 3600 s/);
    expect(run.stdout).toContain("> Explain the seven seals in two concise sentences.");
    expect(run.stdout).toMatch(/\(\d+ chunks, first after/);
    for (const check of ["token", "exact echo", "determinism (n=3)", "SSE stream"])
      expect(run.stdout).toContain(`PASS  ${check}`);
    expect(run.stdout).toContain("Quickstart complete: all 4 health checks passed.");
    expectNoLeaks(run);
  });

  it("talks to the configured platform when credentials are set", async () => {
    const { env, fetch } = emulated();
    const run = await runCli(["quickstart"], { env, fetch });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Gloo AI quickstart against http:\/\/emulator\.invalid, model /);
    expect(run.stdout).not.toContain("embedded emulator");
  });

  it("exits 1 naming the failed health check", async () => {
    const { env, fetch } = emulated();
    const choice = (index: number, content: string) => ({
      index,
      finish_reason: "stop",
      message: { role: "assistant", content },
    });
    const run = await runCli(["quickstart"], {
      env,
      fetch: (input, init) => {
        // Steps 1–3 pass; the determinism check then gets choices that disagree.
        if (!String(init?.body ?? "").includes("exactly SUN")) return fetch(input, init);
        const body = {
          id: "c-1",
          object: "chat.completion",
          created: 0,
          model: "m",
          choices: [choice(0, "SUN"), choice(1, "MOON"), choice(2, "SUN")],
        };
        return Promise.resolve(Response.json(body, { headers: { "x-request-id": "r-sun" } }));
      },
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL {2}determinism \(n=3\).*"MOON".*\[r-sun\]/);
    expect(run.stdout).toContain("1 of 4 health checks failed.");
  });

  it("refuses a GLOO_BASE without credentials instead of silently using the emulator", async () => {
    const run = await runCli(["quickstart"], { env: { GLOO_BASE: "https://platform.ai.gloo.com" } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "GLOO_BASE is set to https://platform.ai.gloo.com but GLOO_CLIENT_ID / GLOO_CLIENT_SECRET are not.",
    );
    expect(run.stderr).toContain("unset GLOO_BASE");
  });

  it("names --base, not GLOO_BASE, when the base URL without credentials came from the flag", async () => {
    const run = await runCli(["quickstart", "--base", "http://127.0.0.1:8790"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      "gloo: --base http://127.0.0.1:8790 was given but GLOO_CLIENT_ID / GLOO_CLIENT_SECRET are not set.\n" +
        "Set both credentials for that platform (a `gloo emulator` accepts emulator-client / emulator-secret), " +
        "or drop --base to run the quickstart on the embedded emulator.\n",
    );
  });

  it.each([
    ["GLOO_CLIENT_ID", { GLOO_CLIENT_ID: "id-only" }, "GLOO_CLIENT_SECRET"],
    ["GLOO_CLIENT_SECRET", { GLOO_CLIENT_SECRET: "secret-only" }, "GLOO_CLIENT_ID"],
  ])("refuses a half-set pair (only %s) instead of using the emulator", async (_name, env, missing) => {
    const run = await runCli(["quickstart"], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${missing} is not`);
    expect(run.stdout).not.toContain("embedded emulator");
    expect(run.stderr).not.toContain("secret-only");
  });

  it("suggests the next commands as this installation runs them (npx in a checkout)", async () => {
    const run = await runCli(["quickstart"], { env: {} });
    expect(run.stdout).toContain('Next: npx gloo chat "Who wrote Romans?"');
  });

  it("names the config file when its base URL is set without credentials", async () => {
    const env = { XDG_CONFIG_HOME: await tempDir() };
    await runCli(["config", "set", "base", "http://127.0.0.1:8790"], { env });
    const run = await runCli(["quickstart"], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("the config file sets base http://127.0.0.1:8790 but GLOO_CLIENT_ID");
    expect(run.stderr).toContain("gloo config unset base");
  });
});
