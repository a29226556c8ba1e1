// Bearer checks: the documented 401 and 403 bodies.
import { createEmulator } from "@gloo-toolkit/servers";
import { describe, expect, it } from "vitest";
import { ask, postJson, tokenFor } from "./helpers/emulator.js";

describe("bearer authentication", () => {
  const emulator = createEmulator();

  it("answers a missing Authorization header with the documented 401 body", async () => {
    const response = await postJson(emulator, "/ai/v1/chat/completions", { messages: ask("Hi") }, undefined);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: "Missing Authorization",
      code: "unauthorized_missing_authorization",
    });
  });

  it("answers a malformed header and an unknown token with 401 in the same envelope", async () => {
    const malformed = await postJson(emulator, "/ai/v1/chat/completions", {}, undefined, {
      authorization: "Token abc",
    });
    expect(malformed.status).toBe(401);
    expect(await malformed.json()).toMatchObject({ code: "unauthorized_malformed_authorization" });
    const unknown = await postJson(emulator, "/ai/v1/chat/completions", {}, "abc.def.ghi");
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get("www-authenticate")).toContain("invalid_token");
    expect(await unknown.json()).toMatchObject({ code: "unauthorized_invalid_token" });
  });

  it("answers a token without the api/access scope with the documented 403 body", async () => {
    const limited = await tokenFor(emulator, "api/limited");
    const response = await postJson(
      emulator,
      "/ai/v2/chat/completions",
      { messages: ask("Hi"), auto_routing: true },
      limited,
    );
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      error: "Forbidden - insufficient permissions",
      code: "forbidden",
    });
  });

  it("accepts the scheme in any case", async () => {
    const token = await tokenFor(emulator);
    const response = await postJson(emulator, "/ai/v1/chat/completions", { messages: ask("Hi") }, undefined, {
      authorization: `bearer ${token}`,
    });
    expect(response.status).toBe(200);
  });

  it("serves the models catalogue with no authentication", async () => {
    const response = await emulator.fetch(new Request("http://emulator.test/platform/v2/models"));
    expect(response.status).toBe(200);
  });
});
