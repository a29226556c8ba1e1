import { describe, expect, it } from "vitest";
import { UsageError } from "../src/errors.js";
import { readSettings, requireCredentials } from "../src/internal/credentials.js";

describe("readSettings", () => {
  it("uses the quickstart's defaults when nothing is set", () => {
    expect(readSettings({})).toEqual({
      baseURL: "https://platform.ai.gloo.com",
      model: "us.meta.llama3-3-70b-instruct-v1:0",
      modelChosen: false,
      clientId: undefined,
      clientSecret: undefined,
    });
  });

  it("reads the GLOO_ variables, lets flags win, and drops a trailing slash", () => {
    const settings = readSettings(
      {
        GLOO_BASE: "http://127.0.0.1:9/",
        GLOO_MODEL: "env-model",
        GLOO_CLIENT_ID: "id",
        GLOO_CLIENT_SECRET: "s",
      },
      { model: "flag-model" },
    );
    expect(settings).toEqual({
      baseURL: "http://127.0.0.1:9",
      model: "flag-model",
      modelChosen: true,
      clientId: "id",
      clientSecret: "s",
    });
    expect(readSettings({ GLOO_BASE: "http://a.test" }, { base: "http://b.test" }).baseURL).toBe(
      "http://b.test",
    );
  });

  it("accepts GLOO_AI_CLIENT_ID / GLOO_AI_CLIENT_SECRET, with the GLOO_ names taking precedence", () => {
    expect(readSettings({ GLOO_AI_CLIENT_ID: "ai-id", GLOO_AI_CLIENT_SECRET: "ai-s" })).toMatchObject({
      clientId: "ai-id",
      clientSecret: "ai-s",
    });
    expect(readSettings({ GLOO_CLIENT_ID: "id", GLOO_AI_CLIENT_ID: "ai-id" }).clientId).toBe("id");
  });

  it("treats empty values (as in .env.example) as unset", () => {
    expect(readSettings({ GLOO_BASE: "", GLOO_CLIENT_ID: "  " })).toMatchObject({
      baseURL: "https://platform.ai.gloo.com",
      clientId: undefined,
    });
  });

  it("rejects a base URL that is not http(s), naming where it came from", () => {
    expect(() => readSettings({ GLOO_BASE: "platform.ai.gloo.com" })).toThrow(/GLOO_BASE is not a URL/);
    expect(() => readSettings({}, { base: "ftp://x" })).toThrow(/--base must be an http\(s\) URL/);
  });
});

describe("requireCredentials", () => {
  it("names every missing variable and shows an export example", () => {
    const error = (() => {
      try {
        requireCredentials(readSettings({ GLOO_CLIENT_ID: "id" }));
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe("missing credentials: GLOO_CLIENT_SECRET is not set.");
    expect((error as UsageError).hint).toContain("export GLOO_CLIENT_SECRET=");
    expect(() => requireCredentials(readSettings({}))).toThrow(
      "GLOO_CLIENT_ID and GLOO_CLIENT_SECRET are not set",
    );
  });

  it("returns the settings when both are present", () => {
    expect(
      requireCredentials(readSettings({ GLOO_CLIENT_ID: "id", GLOO_CLIENT_SECRET: "s" })).clientSecret,
    ).toBe("s");
  });
});
