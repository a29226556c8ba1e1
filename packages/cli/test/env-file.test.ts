import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadEnv, parseEnvFile } from "../src/internal/env-file.js";

describe("parseEnvFile", () => {
  it("reads plain, exported, quoted and commented lines", () => {
    const parsed = parseEnvFile(
      [
        "# comment",
        "GLOO_BASE=http://127.0.0.1:8080",
        "export GLOO_MODEL='m:0'",
        'A="x y" ',
        "B=v # note",
        "bad line",
      ].join("\n"),
    );
    expect(parsed).toEqual({ GLOO_BASE: "http://127.0.0.1:8080", GLOO_MODEL: "m:0", A: "x y", B: "v" });
  });
});

describe("loadEnv", () => {
  it("lets the process environment win over .env", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gloo-env-"));
    await writeFile(join(dir, ".env"), "GLOO_CLIENT_ID=from-file\nGLOO_MODEL=file-model\n");
    const env = await loadEnv({ GLOO_CLIENT_ID: "from-env" }, dir);
    expect(env.GLOO_CLIENT_ID).toBe("from-env");
    expect(env.GLOO_MODEL).toBe("file-model");
  });

  it("returns the environment unchanged when there is no .env", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gloo-env-"));
    expect(await loadEnv({ X: "1" }, dir)).toEqual({ X: "1" });
  });
});
