import { describe, expect, it } from "vitest";
import { emulated, expectNoLeaks, runCli } from "./helpers/cli.js";

interface DoctorJSON {
  ok: boolean;
  findings: { id: string; verdict: string; detail: string; advice?: string }[];
}

const verdicts = (json: DoctorJSON) =>
  Object.fromEntries(json.findings.map((finding) => [finding.id, finding.verdict]));

describe("gloo doctor", () => {
  it("finds nothing wrong with a healthy setup and explains the legacy endpoint's empty history", async () => {
    const { env, fetch } = emulated();
    const run = await runCli(["doctor", "--legacy"], { env, fetch });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("No problems found.");
    expect(run.stdout).toMatch(/returned 0 messages \(messages: \[\]\)/);
    expect(run.stdout).toContain("keep the history client-side");
    const json = JSON.parse((await runCli(["doctor", "--json"], { env, fetch })).stdout) as DoctorJSON;
    expect(verdicts(json)).toEqual({
      base: "ok",
      credentials: "ok",
      token: "ok",
      scope: "ok",
      clock: "ok",
      model: "ok",
      legacy: "info",
    });
    expectNoLeaks(run);
  });

  it("tells a 403 on the model apart, with entitlement advice, and exits 1", async () => {
    const { env, fetch: inner } = emulated();
    const fetch: typeof globalThis.fetch = (input, init) => {
      const request = new Request(input, init);
      if (request.url.endsWith("/ai/v1/chat/completions")) {
        return Promise.resolve(
          Response.json(
            { error: "Forbidden - insufficient permissions", code: "forbidden" },
            { status: 403, headers: { "x-request-id": "r-403" } },
          ),
        );
      }
      return inner(request);
    };
    const run = await runCli(["doctor", "--json"], { env, fetch });
    expect(run.code).toBe(1);
    const model = (JSON.parse(run.stdout) as DoctorJSON).findings.find((finding) => finding.id === "model");
    expect(model).toMatchObject({ verdict: "fail", requestId: "r-403" });
    expect(model?.advice).toContain("not entitled to us.meta.llama3-3-70b-instruct-v1:0");
  });

  it("warns about clock skew against the server's Date header", async () => {
    const { env, fetch: inner } = emulated();
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const response = await inner(new Request(input, init));
      if (!String(input).endsWith("/platform/v2/models")) return response;
      const headers = new Headers(response.headers);
      headers.set("date", new Date(Date.now() + 10 * 60_000).toUTCString());
      return new Response(response.body, { status: response.status, headers });
    };
    const json = JSON.parse((await runCli(["doctor", "--json"], { env, fetch })).stdout) as DoctorJSON;
    const clock = json.findings.find((finding) => finding.id === "clock");
    expect(clock?.verdict).toBe("warn");
    expect(clock?.advice).toContain("Sync the clock");
  });

  it("stops at an unreachable base URL with what to check", async () => {
    const { env } = emulated();
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const fetch: typeof globalThis.fetch = () =>
      Promise.reject(new TypeError("fetch failed", { cause: refused }));
    const run = await runCli(["doctor"], { env, fetch });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL {2}base URL reachable: .*ECONNREFUSED/);
    expect(run.stdout).toContain("Check GLOO_BASE (now http://emulator.invalid)");
    expect(run.stdout).not.toContain("credentials accepted");
  });

  it("exits 2 when the credentials are missing, after checking the base URL", async () => {
    const { fetch } = emulated();
    const run = await runCli(["doctor", "--base", "http://emulator.invalid"], { fetch });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("ok    base URL reachable");
    expect(run.stdout).toContain("GLOO_CLIENT_ID and GLOO_CLIENT_SECRET not set");
  });

  it("names a wrong base URL when the token endpoint is missing, and never sends you to itself", async () => {
    const { env, fetch } = emulated();
    const missing: typeof globalThis.fetch = (input, init) =>
      String(input instanceof Request ? input.url : input).endsWith("/oauth2/token")
        ? Promise.resolve(new Response("<html>Not Found</html>", { status: 404 }))
        : fetch(input, init);
    const run = await runCli(["doctor"], { env, fetch: missing });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL {2}credentials accepted: .*no OAuth2 token endpoint at this base URL/);
    expect(run.stdout).toContain("Check GLOO_BASE (or --base)");
    expect(run.stdout).not.toContain("gloo doctor");
  });

  it("reports refused credentials with advice", async () => {
    const { env, fetch } = emulated();
    const run = await runCli(["doctor"], { env: { ...env, GLOO_CLIENT_SECRET: "nope-nope" }, fetch });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL {2}credentials accepted: .*invalid_client/);
    expectNoLeaks(run, "nope-nope");
  });

  it("creates no legacy chat unless asked with --legacy, and says so", async () => {
    const { env, fetch: inner } = emulated();
    const posts: string[] = [];
    const fetch: typeof globalThis.fetch = (input, init) => {
      const request = new Request(input, init);
      if (request.method === "POST") posts.push(new URL(request.url).pathname);
      return inner(request);
    };
    const run = await runCli(["doctor"], { env, fetch });
    expect(run.code).toBe(0);
    expect(posts).not.toContain("/ai/v1/chat");
    expect(run.stdout).toContain("gloo doctor --legacy");
    await runCli(["doctor", "--legacy"], { env, fetch });
    expect(posts).toContain("/ai/v1/chat");
  });
});
