import { describe, expect, it } from "vitest";
import { buildEnvironment } from "../src/postman/environment.js";

describe("buildEnvironment", () => {
  const environment = buildEnvironment({ base: "http://127.0.0.1:8787", model: "m-1" });
  const byKey = new Map(environment.values.map((value) => [value.key, value]));

  it("has the variables the quickstart's Postman appendix names, plus access_token", () => {
    expect(environment.values.map((value) => value.key)).toEqual([
      "BASE",
      "CLIENT_ID",
      "CLIENT_SECRET",
      "MODEL",
      "access_token",
    ]);
    expect(environment._postman_variable_scope).toBe("environment");
    for (const value of environment.values) expect(value.enabled, value.key).toBe(true);
  });

  it("fills in BASE and MODEL from the options", () => {
    expect(byKey.get("BASE")?.value).toBe("http://127.0.0.1:8787");
    expect(byKey.get("MODEL")?.value).toBe("m-1");
  });

  it("leaves the credentials and the token empty, the secret ones typed secret", () => {
    expect(byKey.get("CLIENT_ID")).toMatchObject({ value: "", type: "default" });
    expect(byKey.get("CLIENT_SECRET")).toMatchObject({ value: "", type: "secret" });
    expect(byKey.get("access_token")).toMatchObject({ value: "", type: "secret" });
  });
});
