import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emulated, runCli, tempDir } from "./helpers/cli.js";

/** The emulator, recording each completion request's URL and body. */
function recording() {
  const setup = emulated();
  const requests: { url: string; body: Record<string, unknown> }[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    if (request.url.endsWith("/chat/completions"))
      requests.push({ url: request.url, body: (await request.clone().json()) as Record<string, unknown> });
    return setup.fetch(request);
  };
  return { ...setup, fetch, requests };
}

async function configHome() {
  const dir = await tempDir();
  return { XDG_CONFIG_HOME: dir, path: join(dir, "gloo", "config.json") };
}

describe("gloo config", () => {
  it("sets, gets, lists and unsets keys in the XDG config file", async () => {
    const { XDG_CONFIG_HOME, path } = await configHome();
    const env = { XDG_CONFIG_HOME };
    expect((await runCli(["config", "path"], { env })).stdout).toBe(`${path}\n`);
    expect(await runCli(["config", "set", "temperature", "0.2"], { env })).toMatchObject({
      code: 0,
      stdout: "temperature = 0.2\n",
    });
    await runCli(["config", "set", "system", "Answer in French."], { env });
    expect(JSON.parse(await readFile(path, "utf8"))).toEqual({
      temperature: 0.2,
      system: "Answer in French.",
    });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await runCli(["config", "get", "system"], { env })).stdout).toBe("Answer in French.\n");
    expect((await runCli(["config", "list"], { env })).stdout).toBe(
      "temperature = 0.2\nsystem = Answer in French.\n",
    );
    expect((await runCli(["config", "unset", "system"], { env })).stdout).toBe("system unset.\n");
    const missing = await runCli(["config", "get", "system"], { env });
    expect(missing).toMatchObject({ code: 1, stdout: "" });
    expect(JSON.parse((await runCli(["config", "list", "--json"], { env })).stdout)).toEqual({
      temperature: 0.2,
    });
  });

  it("keeps one routing choice: setting model-family removes model", async () => {
    const { XDG_CONFIG_HOME } = await configHome();
    const env = { XDG_CONFIG_HOME };
    await runCli(["config", "set", "model", "gloo-openai-gpt-5-mini"], { env });
    const run = await runCli(["config", "set", "model-family", "anthropic"], { env });
    expect(run.stdout).toBe("model-family = anthropic (removed model: one routing choice)\n");
    expect((await runCli(["config", "get", "model"], { env })).code).toBe(1);
  });

  it.each([
    [["config", "set", "colour", "red"], 'unknown config key "colour"'],
    [["config", "set", "temperature", "hot"], 'temperature must be a number ≥ 0 and ≤ 2, got "hot"'],
    [["config", "set", "api", "v3"], 'api must be one of v1, v2; got "v3"'],
    [["config", "set", "base", "platform.ai.gloo.com"], 'base is not a URL: "platform.ai.gloo.com"'],
    [["config", "set", "system"], "expected KEY VALUE"],
    [["config", "frobnicate"], 'unknown action "frobnicate"'],
  ])("refuses %j with exit 2 and says what fits", async (argv, message) => {
    const { XDG_CONFIG_HOME } = await configHome();
    const run = await runCli(argv, { env: { XDG_CONFIG_HOME } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });

  it("names a broken config file, and gloo config still runs to fix it", async () => {
    const { XDG_CONFIG_HOME, path } = await configHome();
    await runCli(["config", "set", "api", "v2"], { env: { XDG_CONFIG_HOME } });
    await writeFile(path, "{ not json");
    const { env, fetch } = emulated();
    const run = await runCli(["chat", "hi"], { env: { ...env, XDG_CONFIG_HOME }, fetch });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`the config file ${path} cannot be used: it is not JSON`);
    expect((await runCli(["config", "path"], { env: { XDG_CONFIG_HOME } })).code).toBe(0);
  });
});

describe("precedence: flags > environment > .env > config file > defaults", () => {
  it("takes the base URL from the config only when nothing else sets it", async () => {
    const { XDG_CONFIG_HOME } = await configHome();
    await runCli(["config", "set", "base", "http://config.invalid"], { env: { XDG_CONFIG_HOME } });
    const { env, fetch, requests } = recording();
    const { GLOO_BASE: _, ...credentials } = env;
    const cwd = await tempDir();
    const chat = (extra: Record<string, string>, argv: string[] = []) =>
      runCli(["chat", ...argv, "Reply with only: X"], {
        env: { ...credentials, XDG_CONFIG_HOME, ...extra },
        fetch,
        cwd,
      });
    await chat({});
    expect(new URL(requests.at(-1)?.url ?? "").host).toBe("config.invalid");
    await writeFile(join(cwd, ".env"), "GLOO_BASE=http://dotenv.invalid\n");
    await chat({});
    expect(new URL(requests.at(-1)?.url ?? "").host).toBe("dotenv.invalid");
    await chat({ GLOO_BASE: "http://env.invalid" });
    expect(new URL(requests.at(-1)?.url ?? "").host).toBe("env.invalid");
    await chat({ GLOO_BASE: "http://env.invalid" }, ["--base", "http://flag.invalid"]);
    expect(new URL(requests.at(-1)?.url ?? "").host).toBe("flag.invalid");
  });

  it("fills gloo chat's system prompt, temperature, api and routing from the config; flags win", async () => {
    const { XDG_CONFIG_HOME } = await configHome();
    const config = { XDG_CONFIG_HOME };
    for (const [key, value] of [
      ["system", "Be brief."],
      ["temperature", "0"],
      ["api", "v2"],
      ["model-family", "anthropic"],
      ["tradition", "catholic"],
    ])
      await runCli(["config", "set", key as string, value as string], { env: config });
    const { env, fetch, requests } = recording();
    await runCli(["chat", "Reply with only: C"], { env: { ...env, ...config }, fetch });
    expect(requests.at(-1)?.url).toContain("/ai/v2/");
    expect(requests.at(-1)?.body).toMatchObject({
      temperature: 0,
      model_family: "anthropic",
      tradition: "catholic",
      messages: [{ role: "system", content: "Be brief." }, { role: "user" }],
    });
    const model = "gloo-openai-gpt-5-mini";
    await runCli(["chat", "--model", model, "--temperature", "1", "Reply with only: F"], {
      env: { ...env, ...config },
      fetch,
    });
    expect(requests.at(-1)?.body).toMatchObject({ model, temperature: 1 });
    expect(requests.at(-1)?.body).not.toHaveProperty("model_family");
    await runCli(["chat", "--api", "v1", "Reply with only: V1"], { env: { ...env, ...config }, fetch });
    expect(requests.at(-1)?.url).toContain("/ai/v1/");
    expect(requests.at(-1)?.body).not.toHaveProperty("tradition");
  });
});
