import { OAuthError } from "@gloo-toolkit/sdk";
import { createProxy, type ProxyLogEntry } from "@gloo-toolkit/servers";
import { describe, expect, it } from "vitest";
import { controlledStream, fakeUpstream, proxyRequest, sseEvent } from "../helpers/fake-upstream.js";

const completion = {
  id: "chatcmpl-1",
  object: "chat.completion",
  choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
  usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 },
};
const body = JSON.stringify({ model: "m", messages: [{ role: "user", content: "hello" }] });
const post = (headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body,
});

describe("createProxy: routing", () => {
  it("sends /v1 and /v2 chat completions to the platform's /ai/v1 and /ai/v2 with the body unchanged", async () => {
    const upstream = fakeUpstream(() => Response.json(completion));
    const proxy = createProxy({ gloo: upstream });
    await proxy.fetch(proxyRequest("/v1/chat/completions", post()));
    await proxy.fetch(proxyRequest("/v2/chat/completions", post()));
    expect(upstream.requests.map((r) => r.url)).toEqual([
      "https://gloo.test/ai/v1/chat/completions",
      "https://gloo.test/ai/v2/chat/completions",
    ]);
    for (const request of upstream.requests) {
      expect(request.method).toBe("POST");
      expect(await request.text()).toBe(body);
    }
  });

  it("reshapes the public catalogue into OpenAI's model list, fetched without a token", async () => {
    const upstream = fakeUpstream(() => new Response("token fetch must not be used", { status: 500 }));
    const seen: string[] = [];
    const plainFetch: typeof fetch = async (input) => {
      seen.push(String(input));
      return Response.json(
        {
          object: "list",
          data: [{ id: "gloo-openai-gpt-5-mini", name: "GPT-5 mini", family: "OpenAI" }, { name: "no id" }],
        },
        { headers: { "x-request-id": "req-models" } },
      );
    };
    const proxy = createProxy({ gloo: upstream, fetch: plainFetch });
    for (const path of ["/v1/models", "/v2/models"]) {
      const response = await proxy.fetch(proxyRequest(path));
      expect(response.headers.get("x-request-id")).toBe("req-models");
      expect(await response.json()).toEqual({
        object: "list",
        data: [{ id: "gloo-openai-gpt-5-mini", object: "model", created: 0, owned_by: "OpenAI" }],
      });
    }
    expect(seen).toEqual(["https://gloo.test/platform/v2/models", "https://gloo.test/platform/v2/models"]);
    expect(upstream.requests).toHaveLength(0);
  });

  it("relays a failed catalogue request as it came", async () => {
    const plainFetch: typeof fetch = async () => Response.json({ detail: "down" }, { status: 503 });
    const proxy = createProxy({ gloo: fakeUpstream(() => Response.json({})), fetch: plainFetch });
    const response = await proxy.fetch(proxyRequest("/v1/models"));
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ detail: "down" });
  });

  it("answers /healthz, 404 for unknown paths and 405 with Allow for the wrong method", async () => {
    const proxy = createProxy({ gloo: fakeUpstream(() => Response.json({})) });
    expect(await (await proxy.fetch(proxyRequest("/healthz"))).json()).toEqual({ status: "ok" });
    const missing = await proxy.fetch(proxyRequest("/v1/embeddings", post()));
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toContain(
      "/v1/embeddings",
    );
    for (const path of ["/constructor", "/__proto__", "/toString"]) {
      expect((await proxy.fetch(proxyRequest(path))).status, path).toBe(404);
    }
    const wrong = await proxy.fetch(proxyRequest("/v1/chat/completions"));
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
  });
});

describe("createProxy: headers", () => {
  it("drops hop-by-hop fields, the client's Authorization and cookies; keeps the rest", async () => {
    const upstream = fakeUpstream(() => Response.json(completion));
    const proxy = createProxy({ gloo: upstream });
    await proxy.fetch(
      proxyRequest(
        "/v1/chat/completions",
        post({
          authorization: "Bearer sk-client-placeholder",
          connection: "keep-alive, x-per-hop",
          "keep-alive": "timeout=5",
          "x-per-hop": "1",
          te: "trailers",
          "proxy-authorization": "Basic abc",
          cookie: "session=1",
          "x-stainless-retry-count": "0",
        }),
      ),
    );
    const sent = upstream.requests[0]?.headers;
    for (const name of [
      "authorization",
      "connection",
      "keep-alive",
      "x-per-hop",
      "te",
      "proxy-authorization",
      "cookie",
    ]) {
      expect(sent?.has(name), name).toBe(false);
    }
    expect(sent?.get("content-type")).toBe("application/json");
    expect(sent?.get("x-stainless-retry-count")).toBe("0");
  });

  it("returns the upstream status, x-request-id and headers without hop-by-hop or stale encoding fields", async () => {
    const upstream = fakeUpstream(
      () =>
        new Response(JSON.stringify({ detail: "slow down" }), {
          status: 429,
          headers: {
            "content-type": "application/json",
            "x-request-id": "req-123",
            "retry-after": "2",
            connection: "close, x-hop",
            "x-hop": "1",
            "keep-alive": "timeout=5",
            "content-encoding": "gzip",
          },
        }),
    );
    const response = await createProxy({ gloo: upstream }).fetch(
      proxyRequest("/v2/chat/completions", post()),
    );
    expect(response.status).toBe(429);
    expect(response.headers.get("x-request-id")).toBe("req-123");
    expect(response.headers.get("retry-after")).toBe("2");
    for (const name of ["connection", "x-hop", "keep-alive", "content-encoding"]) {
      expect(response.headers.has(name), name).toBe(false);
    }
    expect(await response.json()).toEqual({ detail: "slow down" });
  });
});

describe("createProxy: access", () => {
  const ok = () => fakeUpstream(() => Response.json(completion));

  it("with a key, rejects a missing or wrong key with 401 and never forwards the key", async () => {
    const upstream = ok();
    const proxy = createProxy({ gloo: upstream, key: "proxy-key-1" });
    const missing = await proxy.fetch(proxyRequest("/v1/chat/completions", post()));
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("invalid_proxy_key");
    const wrong = await proxy.fetch(
      proxyRequest("/v1/chat/completions", post({ authorization: "Bearer proxy-key-2" })),
    );
    expect(wrong.status).toBe(401);
    expect(upstream.requests).toHaveLength(0);
    const right = await proxy.fetch(
      proxyRequest("/v1/chat/completions", post({ authorization: "Bearer proxy-key-1" })),
    );
    expect(right.status).toBe(200);
    expect(upstream.requests[0]?.headers.get("authorization")).toBeNull();
  });

  it("with a key, protects /metrics and /v1/models but leaves /healthz open", async () => {
    const proxy = createProxy({ gloo: ok(), key: "k", fetch: async () => Response.json({ data: [] }) });
    expect((await proxy.fetch(proxyRequest("/metrics"))).status).toBe(401);
    expect((await proxy.fetch(proxyRequest("/v1/models"))).status).toBe(401);
    expect((await proxy.fetch(proxyRequest("/healthz"))).status).toBe(200);
    const metrics = await proxy.fetch(proxyRequest("/metrics", { headers: { authorization: "Bearer k" } }));
    expect(metrics.status).toBe(200);
  });

  it("with a key, accepts any Host (it may listen on a LAN address)", async () => {
    const proxy = createProxy({ gloo: ok(), key: "k" });
    const response = await proxy.fetch(
      proxyRequest("/v1/chat/completions", post({ authorization: "Bearer k" }), "http://10.0.0.5:8787"),
    );
    expect(response.status).toBe(200);
  });

  it("without a key, refuses non-loopback Hosts (DNS rebinding) and cross-site browser origins", async () => {
    const upstream = ok();
    const proxy = createProxy({ gloo: upstream });
    const rebound = await proxy.fetch(
      proxyRequest("/v1/chat/completions", post(), "http://evil.example:8787"),
    );
    expect(rebound.status).toBe(403);
    const crossSite = await proxy.fetch(
      proxyRequest("/v1/chat/completions", post({ origin: "https://evil.example" })),
    );
    expect(crossSite.status).toBe(403);
    expect(upstream.requests).toHaveLength(0);
    for (const origin of ["http://localhost:8787", "http://[::1]:8787"]) {
      const local = await proxy.fetch(proxyRequest("/v1/chat/completions", post({ origin }), origin));
      expect(local.status, origin).toBe(200);
    }
  });

  it("rejects a body over maxBodyBytes with 413 before calling the platform", async () => {
    const upstream = ok();
    const proxy = createProxy({ gloo: upstream, maxBodyBytes: 10 });
    const response = await proxy.fetch(proxyRequest("/v1/chat/completions", post()));
    expect(response.status).toBe(413);
    expect(upstream.requests).toHaveLength(0);
  });
});

describe("createProxy: streaming", () => {
  const sse = (stream: ReadableStream<Uint8Array>) =>
    new Response(stream, { headers: { "content-type": "text/event-stream", "x-request-id": "req-s" } });

  it("relays each chunk as soon as the platform sends it, and only pulls when the client reads", async () => {
    const upstream = controlledStream();
    const proxy = createProxy({ gloo: fakeUpstream(() => sse(upstream.stream)) });
    const response = await proxy.fetch(proxyRequest("/v1/chat/completions", post()));
    expect(response.headers.get("x-request-id")).toBe("req-s");
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(upstream.state.pulls).toBe(0);
    const reader = response.body?.getReader();
    const first = reader?.read();
    upstream.push(sseEvent({ choices: [{ index: 0, delta: { content: "A" }, finish_reason: null }] }));
    expect(new TextDecoder().decode((await first)?.value)).toContain('"A"');
    const second = reader?.read();
    upstream.push(sseEvent({ choices: [{ index: 0, delta: { content: "B" }, finish_reason: "stop" }] }));
    expect(new TextDecoder().decode((await second)?.value)).toContain('"B"');
    upstream.close();
    expect((await reader?.read())?.done).toBe(true);
  });

  it("counts the tokens of a stream's usage chunk, split across reads, once the stream ends", async () => {
    const upstream = controlledStream();
    let clock = 0;
    const proxy = createProxy({ gloo: fakeUpstream(() => sse(upstream.stream)), now: () => clock });
    const response = await proxy.fetch(proxyRequest("/v2/chat/completions", post()));
    const usage = sseEvent({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 30 } });
    upstream.push(sseEvent({ choices: [{ index: 0, delta: { content: "x" }, finish_reason: "stop" }] }));
    upstream.push(usage.slice(0, 20));
    upstream.push(usage.slice(20));
    clock = 1500;
    upstream.close();
    await response.text();
    const text = proxy.metrics.render();
    expect(text).toContain('gloo_proxy_prompt_tokens_total{route="v2_chat"} 12');
    expect(text).toContain('gloo_proxy_completion_tokens_total{route="v2_chat"} 30');
    expect(text).toContain('gloo_proxy_request_duration_seconds_sum{route="v2_chat"} 1.5');
    expect(text).toContain('gloo_proxy_requests_total{route="v2_chat",status="200"} 1');
    expect(text).toContain('gloo_proxy_upstream_responses_total{route="v2_chat",code="200"} 1');
  });

  it("reads usage from an event whose JSON spans several data: lines (joined with a newline, as SSE says)", async () => {
    const upstream = controlledStream();
    const proxy = createProxy({ gloo: fakeUpstream(() => sse(upstream.stream)) });
    const response = await proxy.fetch(proxyRequest("/v2/chat/completions", post()));
    const received = response.text();
    const event =
      'data: {"choices": [],\r\ndata: "usage": {"prompt_tokens": 5,\r\ndata:"completion_tokens": 6}}\r\n\r\n';
    // Split inside the second line, so the parser also has to join the pieces of one line.
    upstream.push(event.slice(0, 40));
    upstream.push(event.slice(40));
    upstream.push("data: [DONE]\r\n\r\n");
    upstream.close();
    expect(await received).toBe(`${event}data: [DONE]\r\n\r\n`);
    const metrics = proxy.metrics.render();
    expect(metrics).toContain('gloo_proxy_prompt_tokens_total{route="v2_chat"} 5');
    expect(metrics).toContain('gloo_proxy_completion_tokens_total{route="v2_chat"} 6');
  });

  it("relays an event too long to scan whole without keeping or scanning it", async () => {
    const upstream = controlledStream();
    const proxy = createProxy({ gloo: fakeUpstream(() => sse(upstream.stream)) });
    const response = await proxy.fetch(proxyRequest("/v2/chat/completions", post()));
    const received = response.text();
    upstream.push(sseEvent({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }));
    upstream.push(sseEvent({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 30 } }));
    // Then a valid 5 MiB usage event in 1 MiB pieces: past the tap's 4 MiB limit, so it is passed
    // on but neither kept nor scanned (scanned, its usage would replace the counts above).
    const piece = "x".repeat(2 ** 20);
    upstream.push('data: {"usage":{"prompt_tokens":1,"completion_tokens":1},"pad":"');
    for (let i = 0; i < 5; i++) upstream.push(piece);
    upstream.push('"}\n\n');
    upstream.close();
    const text = await received;
    expect(text.length).toBeGreaterThan(5 * 2 ** 20);
    expect(text.endsWith(`${piece}"}\n\n`)).toBe(true);
    const metrics = proxy.metrics.render();
    expect(metrics).toContain('gloo_proxy_prompt_tokens_total{route="v2_chat"} 12');
    expect(metrics).toContain('gloo_proxy_completion_tokens_total{route="v2_chat"} 30');
  });

  it("counts the usage of a JSON completion", async () => {
    const proxy = createProxy({ gloo: fakeUpstream(() => Response.json(completion)) });
    await (await proxy.fetch(proxyRequest("/v1/chat/completions", post()))).json();
    expect(proxy.metrics.render()).toContain('gloo_proxy_prompt_tokens_total{route="v1_chat"} 7');
  });

  it("relays a whole JSON answer (with a Content-Length) byte for byte and counts its usage", async () => {
    const text = JSON.stringify(completion);
    const upstream = fakeUpstream(
      () =>
        new Response(text, {
          headers: { "content-type": "application/json", "content-length": String(text.length) },
        }),
    );
    const proxy = createProxy({ gloo: upstream });
    const response = await proxy.fetch(proxyRequest("/v2/chat/completions", post()));
    expect(await response.text()).toBe(text);
    expect(proxy.metrics.render()).toContain('gloo_proxy_completion_tokens_total{route="v2_chat"} 2');
  });

  it("cancels the platform's stream when the client goes away", async () => {
    const upstream = controlledStream();
    const proxy = createProxy({ gloo: fakeUpstream(() => sse(upstream.stream)) });
    const response = await proxy.fetch(proxyRequest("/v1/chat/completions", post()));
    const reader = response.body?.getReader();
    const first = reader?.read();
    upstream.push(sseEvent({ choices: [{ index: 0, delta: { content: "A" }, finish_reason: null }] }));
    await first;
    await reader?.cancel(new Error("client left"));
    expect(upstream.state.cancelled).toBe(true);
    expect(proxy.metrics.render()).toContain(
      'gloo_proxy_aborted_responses_total{route="v1_chat",reason="client_closed"} 1',
    );
  });

  it("passes the client's abort signal to the platform request", async () => {
    const signals: AbortSignal[] = [];
    const upstream = fakeUpstream((request) => {
      signals.push(request.signal);
      return Response.json(completion);
    });
    const controller = new AbortController();
    const proxy = createProxy({ gloo: upstream });
    await proxy.fetch(proxyRequest("/v1/chat/completions", { ...post(), signal: controller.signal }));
    controller.abort();
    expect(signals[0]?.aborted).toBe(true);
  });

  it("errors the client's body when the platform's stream fails mid-way, without retrying", async () => {
    const upstream = controlledStream();
    let calls = 0;
    const proxy = createProxy({
      gloo: fakeUpstream(() => {
        calls += 1;
        return sse(upstream.stream);
      }),
    });
    const response = await proxy.fetch(proxyRequest("/v1/chat/completions", post()));
    upstream.push(sseEvent({ choices: [{ index: 0, delta: { content: "A" }, finish_reason: null }] }));
    upstream.fail(new Error("socket hang up"));
    await expect(response.text()).rejects.toThrow();
    expect(calls).toBe(1);
    expect(proxy.metrics.render()).toContain('reason="upstream_error"} 1');
  });
});

describe("createProxy: access log", () => {
  it("reports each answered request once, a stream when its body ends, with the platform's request id", async () => {
    const entries: ProxyLogEntry[] = [];
    const upstream = controlledStream();
    let clock = 0;
    const proxy = createProxy({
      gloo: fakeUpstream(
        () =>
          new Response(upstream.stream, {
            headers: { "content-type": "text/event-stream", "x-request-id": "req-9" },
          }),
      ),
      key: "k",
      now: () => clock,
      onResponse: (entry) => entries.push(entry),
    });
    await proxy.fetch(proxyRequest("/v1/chat/completions", post()));
    const response = await proxy.fetch(
      proxyRequest("/v2/chat/completions", post({ authorization: "Bearer k" })),
    );
    expect(entries).toHaveLength(1);
    clock = 250;
    upstream.push(sseEvent({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }));
    upstream.close();
    await response.text();
    expect(entries).toEqual([
      { method: "POST", path: "/v1/chat/completions", status: 401, durationMs: 0, requestId: undefined },
      { method: "POST", path: "/v2/chat/completions", status: 200, durationMs: 250, requestId: "req-9" },
    ]);
    expect(JSON.stringify(entries)).not.toContain("Bearer");
  });
});

describe("createProxy: upstream failures", () => {
  it("answers 502 when the catalogue is not JSON", async () => {
    const plainFetch: typeof fetch = async () =>
      new Response("<html>", { headers: { "content-type": "text/html" } });
    const proxy = createProxy({ gloo: fakeUpstream(() => Response.json({})), fetch: plainFetch });
    expect((await proxy.fetch(proxyRequest("/v1/models"))).status).toBe(502);
  });

  it("answers 502 when a JSON answer breaks off before it is complete", async () => {
    const upstream = controlledStream();
    const proxy = createProxy({
      gloo: fakeUpstream(
        () =>
          new Response(upstream.stream, {
            headers: { "content-type": "application/json", "content-length": "500" },
          }),
      ),
    });
    const answer = proxy.fetch(proxyRequest("/v1/chat/completions", post()));
    upstream.push('{"id":"chatcmpl-1","choi');
    upstream.fail(new Error("socket hang up"));
    const response = await answer;
    expect(response.status).toBe(502);
    expect(proxy.metrics.render()).toContain('reason="upstream_error"} 1');
  });

  it("turns a token failure into a 502 that says so and asks clients not to retry", async () => {
    const upstream = fakeUpstream(() => {
      throw new OAuthError({
        status: 400,
        error: "invalid_client",
        errorDescription: "Client authentication failed.",
      });
    });
    const response = await createProxy({ gloo: upstream }).fetch(
      proxyRequest("/v1/chat/completions", post()),
    );
    expect(response.status).toBe(502);
    expect(response.headers.get("x-should-retry")).toBe("false");
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe("upstream_token_failed");
    expect(error.message).toContain("invalid_client");
  });

  it("turns a connection failure into a 502 naming the platform's address", async () => {
    const upstream = fakeUpstream(() => {
      throw new TypeError("fetch failed", {
        cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }),
      });
    });
    const proxy = createProxy({ gloo: upstream });
    const response = await proxy.fetch(proxyRequest("/v2/chat/completions", post()));
    expect(response.status).toBe(502);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error).toMatchObject({ code: "upstream_unreachable" });
    expect(error.message).toContain("https://gloo.test: fetch failed (ECONNREFUSED)");
    expect(response.headers.get("x-should-retry")).toBe("true");
    expect(proxy.metrics.render()).toContain('gloo_proxy_requests_total{route="v2_chat",status="502"} 1');
  });
});
