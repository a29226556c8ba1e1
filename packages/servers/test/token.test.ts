// POST /oauth2/token and the tokens it issues.
import { createEmulator, type Emulator } from "@gloo-toolkit/servers";
import { describe, expect, it } from "vitest";
import { ask, BASE, postJson, tokenFor } from "./helpers/emulator.js";

const FORM = { "content-type": "application/x-www-form-urlencoded" };
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;

function tokenRequest(emulator: Emulator, body: string, headers: Record<string, string> = {}) {
  return emulator.fetch(
    new Request(`${BASE}/oauth2/token`, { method: "POST", headers: { ...FORM, ...headers }, body }),
  );
}

function claimsOf(token: string): Record<string, unknown> {
  const [, payload] = token.split(".");
  return JSON.parse(Buffer.from(payload as string, "base64url").toString("utf8"));
}

describe("token endpoint", () => {
  it("issues a JWT-shaped Bearer token for HTTP Basic credentials, as the quickstart sends them", async () => {
    const now = 1_700_000_000_000;
    const emulator = createEmulator({ now: () => now });
    const response = await tokenRequest(emulator, "grant_type=client_credentials&scope=api/access", {
      authorization: basic("emulator-client", "emulator-secret"),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(body.token_type).toBe("Bearer");
    expect(body.expires_in).toBe(3600);
    expect(body.access_token.split(".")).toHaveLength(3);
    const claims = claimsOf(body.access_token);
    expect(claims).toMatchObject({
      sub: "emulator-client",
      client_id: "emulator-client",
      scope: "api/access",
      iat: now / 1000,
      exp: now / 1000 + 3600,
      token_use: "access",
      iss: "urn:gloo-toolkit:emulator",
    });
    expect(typeof claims.jti).toBe("string");
  });

  it("accepts form-field credentials and defaults the scope to api/access (the grounded recipe sends no scope)", async () => {
    const emulator = createEmulator();
    const response = await tokenRequest(
      emulator,
      "grant_type=client_credentials&client_id=emulator-client&client_secret=emulator-secret",
    );
    const body = (await response.json()) as { access_token: string };
    expect(claimsOf(body.access_token).scope).toBe("api/access");
  });

  it("decodes percent-encoded Basic credentials (RFC 6749 §2.3.1)", async () => {
    const emulator = createEmulator({ clientId: "my app", clientSecret: "p@ss:word" });
    const response = await tokenRequest(emulator, "grant_type=client_credentials", {
      authorization: basic(encodeURIComponent("my app"), encodeURIComponent("p@ss:word")),
    });
    expect(response.status).toBe(200);
  });

  it.each([
    ["a wrong secret", "grant_type=client_credentials", basic("emulator-client", "wrong"), "invalid_client"],
    [
      "an unknown client",
      "grant_type=client_credentials",
      basic("someone", "emulator-secret"),
      "invalid_client",
    ],
    ["no credentials", "grant_type=client_credentials", undefined, "invalid_client"],
    [
      "the password grant",
      "grant_type=password",
      basic("emulator-client", "emulator-secret"),
      "unsupported_grant_type",
    ],
    ["no grant_type", "scope=api/access", basic("emulator-client", "emulator-secret"), "invalid_request"],
    [
      "an unknown scope",
      "grant_type=client_credentials&scope=root",
      basic("emulator-client", "emulator-secret"),
      "invalid_scope",
    ],
  ])("answers %s with 400 and an RFC 6749 error", async (_name, body, authorization, error) => {
    const emulator = createEmulator();
    const response = await tokenRequest(emulator, body, authorization === undefined ? {} : { authorization });
    expect(response.status).toBe(400);
    const json = (await response.json()) as { error: string; error_description: string };
    expect(json.error).toBe(error);
    expect(json.error_description.length).toBeGreaterThan(10);
    expect(JSON.stringify(json)).not.toContain("emulator-secret");
  });

  it("honours tokenTtlSeconds and the ttl=S fault for short-lived tokens", async () => {
    const emulator = createEmulator({ tokenTtlSeconds: 120 });
    const long = await tokenRequest(emulator, "grant_type=client_credentials", {
      authorization: basic("emulator-client", "emulator-secret"),
    });
    expect(((await long.json()) as { expires_in: number }).expires_in).toBe(120);
    const short = await tokenRequest(emulator, "grant_type=client_credentials", {
      authorization: basic("emulator-client", "emulator-secret"),
      "x-emulator-fault": "ttl=2",
    });
    expect(((await short.json()) as { expires_in: number }).expires_in).toBe(2);
  });

  it("tokens expire: a completion with an expired token gets 401 token expired", async () => {
    let now = 1_700_000_000_000;
    const emulator = createEmulator({ now: () => now, tokenTtlSeconds: 60 });
    const token = await tokenFor(emulator);
    expect((await postJson(emulator, "/ai/v1/chat/completions", { messages: ask("Hi") }, token)).status).toBe(
      200,
    );
    now += 60_000;
    const expired = await postJson(emulator, "/ai/v1/chat/completions", { messages: ask("Hi") }, token);
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ code: "unauthorized_token_expired" });
  });

  it("rejects tokens from another emulator instance and tampered tokens", async () => {
    const first = createEmulator();
    const second = createEmulator();
    const token = await tokenFor(first);
    expect((await postJson(second, "/ai/v1/chat/completions", { messages: ask("Hi") }, token)).status).toBe(
      401,
    );
    const [header, , signature] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ ...claimsOf(token), scope: "api/access admin" })).toString(
      "base64url",
    );
    const tampered = `${header}.${forged}.${signature}`;
    expect((await postJson(first, "/ai/v1/chat/completions", { messages: ask("Hi") }, tampered)).status).toBe(
      401,
    );
  });

  it("revokeTokens() makes earlier tokens answer 401 while new ones work", async () => {
    const emulator = createEmulator();
    const old = await tokenFor(emulator);
    emulator.revokeTokens();
    expect((await postJson(emulator, "/ai/v1/chat/completions", { messages: ask("Hi") }, old)).status).toBe(
      401,
    );
    const fresh = await tokenFor(emulator);
    expect((await postJson(emulator, "/ai/v1/chat/completions", { messages: ask("Hi") }, fresh)).status).toBe(
      200,
    );
    expect(emulator.tokensIssued).toBe(2);
  });
});
