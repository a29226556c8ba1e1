import { createEmulator, DROP_CONNECTION, parseCorsOrigins, withCors } from "@gloo-toolkit/servers";
import { describe, expect, it } from "vitest";

const PAGE = "http://localhost:5173";
const OTHER = "http://127.0.0.1:9999";

function recording() {
  const seen: string[] = [];
  const handler = (request: Request) => {
    seen.push(`${request.method} ${new URL(request.url).pathname}`);
    return new Response('{"ok":true}', { status: 200, headers: { "x-request-id": "req_1" } });
  };
  return { seen, handler };
}

const preflight = (origin: string, extra: Record<string, string> = {}) =>
  new Request("http://127.0.0.1:8788/ai/v2/chat/completions", {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization,content-type,x-emulator-fault",
      ...extra,
    },
  });

describe("withCors", () => {
  it("answers a listed origin's preflight itself: 204, methods, headers incl. x-emulator-fault", async () => {
    const { seen, handler } = recording();
    const response = await withCors(handler, [PAGE])(preflight(PAGE));
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(PAGE);
    expect(response.headers.get("access-control-allow-methods")?.split(", ")).toEqual([
      "GET",
      "POST",
      "PATCH",
      "DELETE",
      "OPTIONS",
    ]);
    expect(response.headers.get("access-control-allow-headers")?.split(", ")).toEqual(
      expect.arrayContaining(["authorization", "content-type", "x-emulator-fault"]),
    );
    expect(response.headers.get("vary")).toBe("Origin");
    expect(seen).toEqual([]);
  });

  it("labels a listed origin's answers with the origin and the headers a page may read", async () => {
    const { seen, handler } = recording();
    const request = new Request("http://127.0.0.1:8788/platform/v2/models", { headers: { origin: PAGE } });
    const response = await withCors(handler, [PAGE, OTHER])(request);
    expect(seen).toEqual(["GET /platform/v2/models"]);
    expect(response.headers.get("access-control-allow-origin")).toBe(PAGE);
    expect(response.headers.get("access-control-expose-headers")?.split(", ")).toEqual(
      expect.arrayContaining(["x-request-id", "retry-after", "x-ratelimit-reset"]),
    );
    expect(await response.json()).toEqual({ ok: true });
  });

  it("leaves other origins and requests without an origin exactly as without it", async () => {
    const { seen, handler } = recording();
    const cors = withCors(handler, [PAGE]);
    const unlisted = await cors(preflight("http://evil.example"));
    const plain = await cors(new Request("http://127.0.0.1:8788/healthz"));
    expect(seen).toEqual(["OPTIONS /ai/v2/chat/completions", "GET /healthz"]);
    for (const response of [unlisted, plain]) {
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
      expect(response.headers.get("access-control-expose-headers")).toBeNull();
    }
  });

  it("with * answers every origin with a wildcard, and answers Private Network Access", async () => {
    const { handler } = recording();
    const response = await withCors(
      handler,
      "*",
    )(preflight("https://app.example", { "access-control-request-private-network": "true" }));
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-private-network")).toBe("true");
    expect(response.headers.get("vary")).toBeNull();
  });

  it("copies a response whose headers are immutable, and lets a dropped connection through", async () => {
    const immutable = await fetch("data:text/plain,hello"); // fetch's answers have immutable headers
    expect(() => immutable.headers.set("x", "y")).toThrow(TypeError);
    const labelled = await withCors(
      () => immutable,
      [PAGE],
    )(new Request("http://127.0.0.1/x", { headers: { origin: PAGE } }));
    expect(labelled).not.toBe(immutable);
    expect(labelled.headers.get("access-control-allow-origin")).toBe(PAGE);
    expect(await labelled.text()).toBe("hello");
    const dropping = withCors(() => {
      throw DROP_CONNECTION;
    }, [PAGE]);
    await expect(dropping(new Request("http://127.0.0.1/x", { headers: { origin: PAGE } }))).rejects.toBe(
      DROP_CONNECTION,
    );
  });

  it("before the wrapper the emulator answers a preflight 405, after it 204", async () => {
    const emulator = createEmulator();
    expect((await emulator.fetch(preflight(PAGE))).status).toBe(405);
    expect((await withCors(emulator.fetch, [PAGE])(preflight(PAGE))).status).toBe(204);
  });
});

describe("parseCorsOrigins", () => {
  it("reads comma-separated origins, normalised and without repeats", () => {
    expect(
      parseCorsOrigins(" http://LOCALHOST:5173/ ,https://app.example:443,http://localhost:5173", {
        allowAny: false,
      }),
    ).toEqual(["http://localhost:5173", "https://app.example"]);
    expect(parseCorsOrigins("*", { allowAny: true })).toBe("*");
  });

  it("refuses what is not an origin, and * where it is not allowed", () => {
    const cases: [string, RegExp][] = [
      ["", /no origins/],
      ["localhost:5173", /not an origin/],
      ["http://localhost:5173/app", /not an origin/],
      ["ftp://files.example", /not an origin/],
      ["http://user@localhost", /not an origin/],
      ["*", /not allowed here/],
    ];
    for (const [spec, message] of cases) {
      expect(() => parseCorsOrigins(spec, { allowAny: false }), spec).toThrow(message);
    }
    expect(() => parseCorsOrigins("*,http://a.example", { allowAny: true })).toThrow(/alone/);
  });
});
