import { Gloo } from "@gloo-toolkit/sdk";
import { createEmulator, createPlayground } from "@gloo-toolkit/servers";
import { describe, expect, it } from "vitest";

const SECRET = "playground-unit-secret-77aa";
const JWT = /eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]{4,}/;
const MODEL = "us.meta.llama3-3-70b-instruct-v1:0";

/** The playground in-process over an in-process emulator, recording what reaches the emulator. */
function setup(options: { fetch?: typeof fetch; clientSecret?: string } = {}) {
  const emulator = createEmulator({ seed: 1, clientSecret: SECRET });
  const upstream: Request[] = [];
  const emulatorFetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    upstream.push(request.clone());
    return emulator.fetch(request);
  };
  const gloo = new Gloo({
    baseURL: "http://emulator.test",
    clientId: "emulator-client",
    clientSecret: options.clientSecret ?? SECRET,
    fetch: options.fetch ?? emulatorFetch,
    maxRetries: 0,
  });
  const playground = createPlayground({ gloo, upstream: "emulator", model: MODEL });
  const call = (path: string, init: RequestInit = {}, host = "127.0.0.1:8789") =>
    playground.fetch(new Request(`http://${host}${path}`, init));
  return { call, upstream };
}

const chat = (extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", authorization: "Bearer placeholder", ...headers },
  body: JSON.stringify({
    auto_routing: true,
    messages: [{ role: "user", content: "Reply with only: OK" }],
    ...extra,
  }),
});

describe("createPlayground", () => {
  it("serves the page, its modules and the vendored ones, with a CSP that keeps it on its origin", async () => {
    const { call } = setup();
    for (const [path, type] of [
      ["/", "text/html"],
      ["/app/app.js", "text/javascript"],
      ["/app/style.css", "text/css"],
      ["/app/vendor/marked.js", "text/javascript"],
      ["/app/vendor/purify.js", "text/javascript"],
      ["/app/vendor/sdk/index.js", "text/javascript"],
    ] as const) {
      const response = await call(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type"), path).toContain(type);
      expect(response.headers.get("content-security-policy")).toContain("connect-src 'self'");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    }
    expect(await (await call("/app/vendor/purify.js")).text()).toMatch(/^\/\*! @license DOMPurify/);
  });

  it("answers 404 for any other path, including ones that climb out of the page's directory", async () => {
    const { call } = setup();
    for (const path of [
      "/app/../package.json",
      "/app/vendor/sdk/../package.json",
      "/app/tsconfig.json",
      "/app/types/page.d.ts",
      "/app/nope.js",
      "/constructor",
    ]) {
      expect((await call(path)).status, path).toBe(404);
    }
  });

  it("answers 403 to a non-loopback Host and to a cross-site Origin, before any work", async () => {
    const { call, upstream } = setup();
    const host = await call("/", {}, "evil.test");
    expect(host.status).toBe(403);
    expect(await host.json()).toMatchObject({ error: { code: "non_loopback_host" } });
    const origin = await call("/api/ai/v2/chat/completions", chat({}, { origin: "https://evil.test" }));
    expect(origin.status).toBe(403);
    expect(await origin.json()).toMatchObject({ error: { code: "cross_origin" } });
    expect(upstream).toHaveLength(0);
    expect((await call("/", { headers: { origin: "http://localhost:8789" } }, "localhost:8789")).status).toBe(
      200,
    );
  });

  it("says what it talks to, without credentials", async () => {
    const { call } = setup();
    const text = await (await call("/api/info")).text();
    expect(JSON.parse(text)).toEqual({ upstream: "emulator", baseURL: "http://emulator.test", model: MODEL });
    expect(text).not.toContain(SECRET);
  });

  it("relays a completion with its own token, never the page's, and passes the fault header on", async () => {
    const { call, upstream } = setup();
    const response = await call("/api/ai/v2/chat/completions", chat({}, { "x-emulator-fault": "latency=1" }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      choices: [{ message: { content: "OK" } }],
      routing_mechanism: "auto_routing",
    });
    const completion = upstream.find((request) => request.url.endsWith("/ai/v2/chat/completions"));
    expect(completion?.headers.get("authorization")).toMatch(/^Bearer eyJ/);
    expect(completion?.headers.get("x-emulator-fault")).toBe("latency=1");
    expect(response.headers.get("x-request-id")).toMatch(/^[\w-]{36}$/);
  });

  it("relays a stream as the raw SSE frames, and the upstream's errors with their status", async () => {
    const { call } = setup();
    const stream = await call(
      "/api/ai/v1/chat/completions",
      chat({ auto_routing: undefined, model: MODEL, stream: true }),
    );
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    expect((await stream.text()).match(/^data: /gm)?.length).toBeGreaterThanOrEqual(3);
    const refused = await call("/api/ai/v2/chat/completions", chat({ model: "gloo-no-such-model" }));
    expect([400, 422]).toContain(refused.status);
  });

  it("answers JSON errors for refused credentials, an unreachable upstream, a big body and a wrong method", async () => {
    const refused = await setup({ clientSecret: "wrong" }).call("/api/ai/v2/chat/completions", chat());
    expect(refused.status).toBe(502);
    expect(await refused.json()).toMatchObject({ error: { code: "upstream_credentials" } });
    const down = setup({ fetch: () => Promise.reject(new TypeError("fetch failed")) });
    const unreachable = await down.call("/api/ai/v2/chat/completions", chat());
    expect(unreachable.status).toBe(502);
    expect((await unreachable.text()).includes(SECRET)).toBe(false);
    const { call } = setup();
    const big = await call("/api/ai/v2/chat/completions", { method: "POST", body: "x".repeat(2 ** 20 + 1) });
    expect(big.status).toBe(413);
    const get = await call("/api/ai/v2/chat/completions");
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });

  it("runs the health checks with its client and reports gloo health's verdicts", async () => {
    const { call } = setup();
    const report = (await (await call("/api/health", { method: "POST" })).json()) as {
      ok: boolean;
      results: { check: string; title: string; ok: boolean }[];
    };
    expect(report.ok).toBe(true);
    expect(report.results[1]?.title).toBe("exact echo");
    expect(report.results.map((result) => [result.check, result.ok])).toEqual([
      ["token", true],
      ["echo", true],
      ["determinism", true],
      ["stream", true],
    ]);
  });

  it("serves the model catalogue through the SDK, with its pricing", async () => {
    const { call } = setup();
    const list = (await (await call("/api/platform/v2/models")).json()) as {
      data: { id: string; pricing?: unknown }[];
    };
    expect(list.data.length).toBeGreaterThan(5);
    expect(list.data[0]?.pricing).toMatchObject({ input: { rate_per_1k_tokens: expect.any(String) } });
  });

  it("never serves the secret or a token", async () => {
    const { call } = setup();
    const paths = [
      "/",
      "/app/app.js",
      "/app/pane.js",
      "/app/vendor/sdk/index.js",
      "/api/info",
      "/api/platform/v2/models",
    ];
    const texts = await Promise.all(paths.map(async (path) => (await call(path)).text()));
    texts.push(await (await call("/api/health", { method: "POST" })).text());
    texts.push(await (await call("/api/ai/v2/chat/completions", chat({ stream: true }))).text());
    for (const text of texts) {
      expect(text.includes(SECRET)).toBe(false);
      expect(text).not.toMatch(JWT);
    }
  });
});
