import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  CORSError,
  Gloo,
  GlooError,
  type GlooOptions,
  NotFoundError,
  OAuthError,
  RateLimitError,
} from "@gloo-toolkit/sdk";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  BASE_URL,
  CLIENT_SECRET,
  completionBody,
  completionReply,
  errorReply,
  fakePlatform,
  hello,
  tokenValue,
} from "./helpers/fake-platform.js";

describe("tokens", () => {
  it("100 concurrent calls on a cold cache make exactly one token request", async () => {
    const platform = fakePlatform();
    const gloo = new Gloo(platform.options());
    const calls = Array.from({ length: 100 }, () => gloo.chat.completions.create({ messages: hello }));
    await Promise.all(calls);
    expect(platform.tokenRequests()).toHaveLength(1);
    expect(platform.apiRequests()).toHaveLength(100);
    expect(new Set(platform.apiRequests().map((r) => r.headers.get("authorization")))).toEqual(
      new Set([`Bearer ${tokenValue(1)}`]),
    );
  });

  it("renews the token ahead of expiry in the background: callers keep the valid token", async () => {
    let time = 0;
    let answerToken: (() => void) | undefined;
    const tokenReply = (n: number) => Response.json({ access_token: tokenValue(n), expires_in: 3600 });
    const platform = fakePlatform({
      tokenReplies: [
        tokenReply(1),
        // The renewal hangs until the test answers it.
        () => new Promise<Response>((resolve) => (answerToken = () => resolve(tokenReply(2)))),
      ],
    });
    const gloo = new Gloo(platform.options({ now: () => time, refreshMarginSeconds: 120 }));
    await gloo.chat.completions.create({ messages: hello });
    time = 3_600_000 - 121_000;
    await gloo.chat.completions.create({ messages: hello });
    expect(platform.tokenRequests()).toHaveLength(1);
    // Past the refresh point, still valid: the call completes with the old token while the
    // renewal it started is still unanswered.
    time += 2_000;
    const during = await withinSeconds(5, gloo.chat.completions.create({ messages: hello }));
    expect(during.choices[0]?.message.content).toBe("Hello");
    await vi.waitFor(() => expect(answerToken).toBeDefined());
    expect(platform.tokenRequests()).toHaveLength(2);
    expect(platform.apiRequests().map((r) => r.headers.get("authorization"))).toEqual([
      `Bearer ${tokenValue(1)}`,
      `Bearer ${tokenValue(1)}`,
      `Bearer ${tokenValue(1)}`,
    ]);
    answerToken?.();
    await vi.waitFor(async () => expect((await gloo.auth.getToken()).accessToken).toBe(tokenValue(2)));
    await gloo.chat.completions.create({ messages: hello });
    expect(platform.apiRequests().at(-1)?.headers.get("authorization")).toBe(`Bearer ${tokenValue(2)}`);
    expect(platform.tokenRequests()).toHaveLength(2);
  });

  it("a 401 discards the token and retries the call once with a fresh one", async () => {
    const platform = fakePlatform();
    platform.reply(errorReply(401, { error: "Token expired", code: "unauthorized" }));
    const gloo = new Gloo(platform.options());
    const completion = await gloo.chat.completions.create({ messages: hello });
    expect(completion.choices[0]?.message.content).toBe("Hello");
    expect(platform.tokenRequests()).toHaveLength(2);
    expect(platform.apiRequests().map((r) => r.headers.get("authorization"))).toEqual([
      `Bearer ${tokenValue(1)}`,
      `Bearer ${tokenValue(2)}`,
    ]);
  });

  it("a second 401 is an AuthenticationError, not a loop", async () => {
    const platform = fakePlatform();
    platform.reply(errorReply(401, { error: "no" }), errorReply(401, { error: "still no" }));
    const gloo = new Gloo(platform.options());
    await expect(gloo.chat.completions.create({ messages: hello })).rejects.toBeInstanceOf(
      AuthenticationError,
    );
    expect(platform.apiRequests()).toHaveLength(2);
    expect(platform.tokenRequests()).toHaveLength(2);
  });

  it("invalid_client is raised as an OAuthError and never retried", async () => {
    const platform = fakePlatform({
      tokenReplies: [
        errorReply(400, { error: "invalid_client", error_description: "Client authentication failed" }),
      ],
    });
    const gloo = new Gloo(platform.options());
    const error = await gloo.chat.completions.create({ messages: hello }).catch((e) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error.error).toBe("invalid_client");
    expect(platform.tokenRequests()).toHaveLength(1);
    expect(platform.apiRequests()).toHaveLength(0);
  });

  it("retries a token request that met a 503 or a dropped connection", async () => {
    const platform = fakePlatform({
      tokenReplies: [
        errorReply(503, { error: "server_error" }),
        () => {
          throw new TypeError("fetch failed");
        },
      ],
    });
    const options = platform.options();
    const gloo = new Gloo(options);
    await gloo.chat.completions.create({ messages: hello });
    expect(platform.tokenRequests()).toHaveLength(3);
    expect(options.sleeps).toEqual([500, 1000]);
  });

  it("auth.getToken returns the cached token and forceRefresh renews it", async () => {
    const platform = fakePlatform();
    const gloo = new Gloo(platform.options());
    expect((await gloo.auth.getToken()).accessToken).toBe(tokenValue(1));
    expect((await gloo.auth.getToken()).accessToken).toBe(tokenValue(1));
    expect((await gloo.auth.getToken({ forceRefresh: true })).accessToken).toBe(tokenValue(2));
    gloo.auth.invalidate();
    expect((await gloo.auth.getToken()).accessToken).toBe(tokenValue(3));
  });

  it("bring-your-own token: sent as is, never refreshed, a 401 is final", async () => {
    const platform = fakePlatform();
    platform.reply(completionReply(), errorReply(401, { error: "expired" }));
    const gloo = new Gloo({ baseURL: BASE_URL, fetch: platform.fetch, accessToken: "my-token" });
    await gloo.chat.completions.create({ messages: hello });
    await expect(gloo.chat.completions.create({ messages: hello })).rejects.toBeInstanceOf(
      AuthenticationError,
    );
    expect(platform.tokenRequests()).toHaveLength(0);
    expect(platform.apiRequests().map((r) => r.headers.get("authorization"))).toEqual([
      "Bearer my-token",
      "Bearer my-token",
    ]);
  });

  it("a token provider is asked once per expiry and again after a 401", async () => {
    const platform = fakePlatform();
    platform.reply(completionReply(), completionReply(), errorReply(401, { error: "expired" }));
    let asked = 0;
    const gloo = new Gloo({
      baseURL: BASE_URL,
      fetch: platform.fetch,
      tokenProvider: async () => {
        asked++;
        return { accessToken: `provided-${asked}`, expiresAt: Date.now() + 3_600_000 };
      },
    });
    await gloo.chat.completions.create({ messages: hello });
    await gloo.chat.completions.create({ messages: hello });
    expect(asked).toBe(1);
    await gloo.chat.completions.create({ messages: hello });
    expect(asked).toBe(2);
    expect(platform.apiRequests().at(-1)?.headers.get("authorization")).toBe("Bearer provided-2");
  });

  it("a token provider returning a bare string is asked for every call", async () => {
    const platform = fakePlatform();
    let asked = 0;
    const gloo = new Gloo({
      baseURL: BASE_URL,
      fetch: platform.fetch,
      tokenProvider: async () => `t${++asked}`,
    });
    await gloo.chat.completions.create({ messages: hello });
    await gloo.chat.completions.create({ messages: hello });
    expect(asked).toBe(2);
  });
});

describe("construction", () => {
  it("missing credentials fail on first use with a message saying what to pass", async () => {
    const gloo = new Gloo({ fetch: fakePlatform().fetch });
    await expect(gloo.chat.completions.create({ messages: hello })).rejects.toThrow(
      /pass clientId and clientSecret/,
    );
  });

  it("normalises the base URL and rejects bad settings", () => {
    expect(new Gloo({ accessToken: "t", baseURL: "http://127.0.0.1:8080///" }).baseURL).toBe(
      "http://127.0.0.1:8080",
    );
    expect(new Gloo({ accessToken: "t" }).baseURL).toBe("https://platform.ai.gloo.com");
    expect(() => new Gloo({ accessToken: "t", baseURL: "platform" })).toThrow(GlooError);
    expect(() => new Gloo({ accessToken: "t", baseURL: "ftp://x" })).toThrow(/http/);
    expect(() => new Gloo({ accessToken: "t", maxRetries: -1 })).toThrow(/maxRetries/);
    expect(() => new Gloo({ accessToken: "t", timeout: 0 })).toThrow(/timeout/);
    expect(() => new Gloo({ accessToken: "" })).toThrow(/accessToken is empty/);
  });

  it("sends default headers", async () => {
    const platform = fakePlatform();
    const gloo = new Gloo(platform.options({ defaultHeaders: { "X-App": "demo" } }));
    await gloo.chat.completions.create({ messages: hello }, { headers: { "x-call": "1" } });
    const request = platform.apiRequests()[0];
    expect(request?.headers.get("x-app")).toBe("demo");
    expect(request?.headers.get("x-call")).toBe("1");
  });
});

describe("gloo.fetch", () => {
  it("adds the bearer token and resolves relative paths", async () => {
    const platform = fakePlatform();
    const gloo = new Gloo(platform.options());
    const response = await gloo.fetch("/ai/v2/chat/completions", { method: "POST", body: "{}" });
    expect(response.status).toBe(200);
    const seen = platform.apiRequests()[0];
    expect(seen?.url).toBe(`${BASE_URL}/ai/v2/chat/completions`);
    expect(seen?.headers.get("authorization")).toBe(`Bearer ${tokenValue(1)}`);
  });

  it("retries once after a 401 with the same body and a fresh token", async () => {
    const platform = fakePlatform();
    platform.reply(errorReply(401, { error: "expired" }));
    const gloo = new Gloo(platform.options());
    const response = await gloo.fetch(`${BASE_URL}/ai/v1/chat/completions`, {
      method: "POST",
      body: '{"a":1}',
    });
    expect(response.status).toBe(200);
    expect(platform.apiRequests().map((r) => [r.headers.get("authorization"), r.body])).toEqual([
      [`Bearer ${tokenValue(1)}`, '{"a":1}'],
      [`Bearer ${tokenValue(2)}`, '{"a":1}'],
    ]);
  });

  it("retries a Request or a streamed body after a 401 too, from a copy kept before sending", async () => {
    const platform = fakePlatform();
    platform.reply(errorReply(401, {}), completionReply(), errorReply(401, {}), completionReply());
    const gloo = new Gloo(platform.options());
    const request = new Request(`${BASE_URL}/ai/v1/chat/completions`, { method: "POST", body: '{"b":2}' });
    expect((await gloo.fetch(request)).status).toBe(200);
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"c":3}'));
        controller.close();
      },
    });
    const init = { method: "POST", body: streamed, duplex: "half" } as RequestInit;
    expect((await gloo.fetch("/ai/v1/chat/completions", init)).status).toBe(200);
    expect(platform.apiRequests().map((r) => [r.headers.get("authorization"), r.body])).toEqual([
      [`Bearer ${tokenValue(1)}`, '{"b":2}'],
      [`Bearer ${tokenValue(2)}`, '{"b":2}'],
      [`Bearer ${tokenValue(2)}`, '{"c":3}'],
      [`Bearer ${tokenValue(3)}`, '{"c":3}'],
    ]);
  });

  it("returns a second 401 as is and leaves a caller's Authorization alone", async () => {
    const platform = fakePlatform();
    platform.reply(errorReply(401, {}), errorReply(401, {}), completionReply());
    const gloo = new Gloo(platform.options());
    expect((await gloo.fetch("/x")).status).toBe(401);
    await gloo.fetch("/x", { headers: { authorization: "Bearer mine" } });
    expect(platform.apiRequests().at(-1)?.headers.get("authorization")).toBe("Bearer mine");
  });
});

describe("gloo.fetch headers", () => {
  it("keeps a caller's headers in every form, adds the token beside them, and leaves any Authorization alone", async () => {
    const platform = fakePlatform();
    platform.reply(completionReply(), completionReply(), completionReply(), completionReply());
    const gloo = new Gloo(platform.options());
    const forms: HeadersInit[] = [
      [
        ["X-Many", "a"],
        ["x-many", "b"],
      ],
      { "X-Many": "a, b" },
      new Headers([
        ["x-many", "a"],
        ["x-many", "b"],
      ]),
    ];
    for (const headers of forms)
      await gloo.fetch("/ai/v1/chat/completions", { method: "POST", body: "{}", headers });
    await gloo.fetch("/x", { headers: [["AUTHORIZATION", "Bearer mine"]] });
    expect(
      platform.apiRequests().map((r) => [r.headers.get("x-many"), r.headers.get("authorization")]),
    ).toEqual([
      ["a, b", `Bearer ${tokenValue(1)}`],
      ["a, b", `Bearer ${tokenValue(1)}`],
      ["a, b", `Bearer ${tokenValue(1)}`],
      [null, "Bearer mine"],
    ]);
  });
});

describe("secrets never leak", () => {
  it("no error's message, toString, JSON or inspection contains the secret or a token", async () => {
    const errors: unknown[] = [];
    const collect = (promise: Promise<unknown>) =>
      promise.then(
        () => {
          throw new Error("expected a failure");
        },
        (error) => errors.push(error),
      );
    const secretEcho = `client_secret=${CLIENT_SECRET}`;
    const badToken = fakePlatform({
      tokenReplies: [errorReply(401, { error: "invalid_client", error_description: secretEcho })],
    });
    await collect(new Gloo(badToken.options()).chat.completions.create({ messages: hello }));

    const platform = fakePlatform();
    platform.reply(
      errorReply(401, {}),
      errorReply(401, {}),
      errorReply(429, { error: "Rate limit exceeded" }),
      () => {
        throw new TypeError("fetch failed");
      },
    );
    const gloo = new Gloo(platform.options({ maxRetries: 0 }));
    await collect(gloo.chat.completions.create({ messages: hello }));
    await collect(gloo.chat.completions.create({ messages: hello }));
    await collect(gloo.chat.completions.create({ messages: hello }));
    await collect(gloo.chat.completions.create({ messages: [] }));
    const token = await gloo.auth.getToken();

    expect(errors.map((error) => (error as Error).name)).toEqual([
      "OAuthError",
      "AuthenticationError",
      "RateLimitError",
      "APIConnectionError",
      "RequestValidationError",
    ]);
    expect(errors[2]).toBeInstanceOf(RateLimitError);
    expect(errors[3]).toBeInstanceOf(APIConnectionError);
    const forbidden = [CLIENT_SECRET, tokenValue(1), tokenValue(2), tokenValue(3), token.accessToken];
    for (const error of [...errors, token]) {
      const forms = [
        (error as Error).message ?? "",
        String(error),
        JSON.stringify(error),
        inspect(error, { depth: 5 }),
      ];
      for (const form of forms) for (const secret of forbidden) expect(form).not.toContain(secret);
    }
  });
});

/** Resolves as `promise` does, or rejects after `seconds`: a generous bound on a wait, not a timing assertion. */
function withinSeconds<T>(seconds: number, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${seconds} s`)), seconds * 1000);
  });
  return Promise.race([promise, bound]).finally(() => clearTimeout(timer));
}

/**
 * A loopback platform whose token endpoint answers as `token` says: "hang" accepts the request and
 * never answers; a status list answers those statuses in turn, then tokens. Records what it saw.
 */
async function loopbackPlatform(token: "hang" | number[]) {
  const statuses = token === "hang" ? [] : [...token];
  const seen: string[] = [];
  let tokenRequestsClosed = 0;
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    if (req.url === "/oauth2/token") {
      res.on("close", () => (tokenRequestsClosed += 1));
      if (token === "hang") return;
      const status = statuses.shift();
      if (status !== undefined) return void res.writeHead(status, { "content-type": "text/plain" }).end("no");
      res.setHeader("content-type", "application/json");
      return void res.end(JSON.stringify({ access_token: tokenValue(1), expires_in: 3600 }));
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(completionBody("loopback")));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseURL,
    seen,
    tokenRequestsClosed: () => tokenRequestsClosed,
    client: (options: Partial<GlooOptions> = {}) =>
      new Gloo({ baseURL, clientId: "id", clientSecret: CLIENT_SECRET, ...options }),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe("the token request is an ordinary request (loopback)", () => {
  it("a token endpoint that never answers: `timeout` ends the call with a timeout error", async () => {
    const platform = await loopbackPlatform("hang");
    try {
      const gloo = platform.client();
      const call = gloo.chat.completions.create({ messages: hello }, { timeout: 500 });
      const error = await withinSeconds(
        5,
        call.catch((e: unknown) => e),
      );
      expect(error).toBeInstanceOf(APIConnectionTimeoutError);
      expect((error as Error).message).toContain("while waiting for the access token");
      // Nobody waits for the token any more, so its request was aborted, not left hanging.
      await vi.waitFor(() => expect(platform.tokenRequestsClosed()).toBe(1));
      expect(platform.seen).toEqual(["POST /oauth2/token"]);
    } finally {
      await platform.close();
    }
  });

  it("a token endpoint that never answers: the caller's signal ends the call", async () => {
    const platform = await loopbackPlatform("hang");
    try {
      const gloo = platform.client();
      const controller = new AbortController();
      const call = gloo.v2.chat.completions.create(
        { auto_routing: true, messages: hello },
        { signal: controller.signal },
      );
      await vi.waitFor(() => expect(platform.seen).toEqual(["POST /oauth2/token"]));
      controller.abort();
      const error = await withinSeconds(
        5,
        call.catch((e: unknown) => e),
      );
      expect(error).toBeInstanceOf(APIUserAbortError);
      await vi.waitFor(() => expect(platform.tokenRequestsClosed()).toBe(1));
      // An already aborted signal never reaches the network.
      await expect(
        gloo.chat.completions.create({ messages: hello }, { signal: controller.signal }),
      ).rejects.toBeInstanceOf(APIUserAbortError);
      expect(platform.seen).toHaveLength(1);
    } finally {
      await platform.close();
    }
  });

  it("a token endpoint answering 503 once, then a token: the call succeeds", async () => {
    const platform = await loopbackPlatform([503]);
    try {
      const gloo = platform.client({ sleep: async () => {} });
      const completion = await gloo.chat.completions.create({ messages: hello });
      expect(completion.choices[0]?.message.content).toBe("loopback");
      expect(platform.seen).toEqual([
        "POST /oauth2/token",
        "POST /oauth2/token",
        "POST /ai/v1/chat/completions",
      ]);
    } finally {
      await platform.close();
    }
  });

  it("a 404 from the token endpoint is an APIError with status 404 naming the base URL", async () => {
    const platform = await loopbackPlatform([404]);
    try {
      const error = await platform
        .client()
        .chat.completions.create({ messages: hello })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).status).toBe(404);
      expect((error as APIError).message).toContain(platform.baseURL);
      expect(error).not.toBeInstanceOf(OAuthError);
      // Not retried (a 404 will not change) and no API request without a token.
      expect(platform.seen).toEqual(["POST /oauth2/token"]);
    } finally {
      await platform.close();
    }
  });
});

describe("over a real socket", () => {
  it("gets a token, a completion and a stream from a loopback server", async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization?.split(" ")[0]}`);
      req.resume();
      req.on("end", () => {
        if (req.url === "/oauth2/token") {
          res.setHeader("content-type", "application/json");
          return res.end(JSON.stringify({ access_token: tokenValue(1), expires_in: 3600 }));
        }
        if (req.headers.accept === "text/event-stream") {
          res.writeHead(200, { "content-type": "text/event-stream", "x-request-id": "loop-s" });
          res.write('data: {"choices":[{"index":0,"delta":{"content":"over "},"finish_reason":null}]}\n\n');
          return res.end(
            'data: {"choices":[{"index":0,"delta":{"content":"TCP"},"finish_reason":"stop"}]}\n\n',
          );
        }
        res.writeHead(200, { "content-type": "application/json", "x-request-id": "loop-j" });
        res.end(JSON.stringify(completionBody("loopback")));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const gloo = new Gloo({
        baseURL: `http://127.0.0.1:${port}`,
        clientId: "id",
        clientSecret: CLIENT_SECRET,
      });
      const completion = await gloo.v2.chat.completions.create({ auto_routing: true, messages: hello });
      expect(completion.choices[0]?.message.content).toBe("loopback");
      expect(completion.requestId).toBe("loop-j");
      const stream = await gloo.chat.completions.create({ messages: hello, stream: true });
      expect(await stream.finalText()).toBe("over TCP");
      expect(seen).toEqual([
        "POST /oauth2/token Basic",
        "POST /ai/v2/chat/completions Bearer",
        "POST /ai/v1/chat/completions Bearer",
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

// A page is simulated by the globals the SDK looks at; test/browser.test.ts runs the real thing in Chromium.
describe("on a web page", () => {
  const PAGE = "http://127.0.0.1:5173";
  const CREDENTIALS_ON_PAGE = { clientId: "id", clientSecret: CLIENT_SECRET, dangerouslyAllowBrowser: true };
  const onPage = () => {
    vi.stubGlobal("document", {});
    vi.stubGlobal("navigator", {});
    vi.stubGlobal("location", { origin: PAGE });
  };
  afterEach(() => vi.unstubAllGlobals());

  it("refuses clientSecret unless dangerouslyAllowBrowser, pointing to tokens from a server", () => {
    const platform = fakePlatform();
    expect(() => new Gloo(platform.options())).not.toThrow();
    onPage();
    const refused = (() => {
      try {
        new Gloo(platform.options());
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toBeInstanceOf(GlooError);
    expect(String(refused)).toMatch(/browser.*tokenProvider.*accessToken.*dangerouslyAllowBrowser: true/);
    expect(String(refused)).not.toContain(CLIENT_SECRET);
    expect(() => new Gloo(platform.options({ dangerouslyAllowBrowser: true }))).not.toThrow();
    expect(() => new Gloo({ baseURL: BASE_URL, tokenProvider: async () => "t" })).not.toThrow();
  });

  it("a fetch failure to another origin is a CORSError that names CORS and the origin, not retried", async () => {
    onPage();
    const urls: string[] = [];
    const failing = async (input: string | URL | Request) => {
      urls.push(String(input));
      throw new TypeError("Failed to fetch");
    };
    const options = { accessToken: "t", fetch: failing, sleep: async () => {} };
    const crossOrigin = new Gloo({ ...options, baseURL: "http://127.0.0.1:8788" });
    const error = await crossOrigin.v2.chat.completions
      .create({ auto_routing: true, messages: hello })
      .catch((e) => e);
    expect(error).toBeInstanceOf(CORSError);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error.message).toContain("CORS");
    expect(error.message).toContain(`--cors ${PAGE}`);
    expect(urls).toHaveLength(1);

    // The same failure on the page's own origin cannot be CORS: an ordinary, retried connection error.
    const sameOrigin = new Gloo({ ...options, baseURL: PAGE });
    const plain = await sameOrigin.v2.chat.completions
      .create({ auto_routing: true, messages: hello })
      .catch((e) => e);
    expect(plain).toBeInstanceOf(APIConnectionError);
    expect(plain).not.toBeInstanceOf(CORSError);
    expect(urls).toHaveLength(4);
  });

  it("a token request refused the same way is a CORSError too, not retried", async () => {
    onPage();
    const urls: string[] = [];
    const gloo = new Gloo({
      ...CREDENTIALS_ON_PAGE,
      baseURL: "http://127.0.0.1:8788",
      fetch: async (input: string | URL | Request) => {
        urls.push(String(input));
        throw new TypeError("Failed to fetch");
      },
      sleep: async () => {},
    });
    const error = await gloo.auth.getToken().catch((e) => e);
    expect(error).toBeInstanceOf(CORSError);
    expect(error.message).toMatch(/^POST http:\/\/127\.0\.0\.1:8788\/oauth2\/token failed in the browser/);
    expect(urls).toEqual(["http://127.0.0.1:8788/oauth2/token"]);
  });
});
