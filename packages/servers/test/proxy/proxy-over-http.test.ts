import { Gloo } from "@gloo-toolkit/sdk";
import { createEmulator, createProxy, type RunningServer, serve } from "@gloo-toolkit/servers";
import { afterEach, describe, expect, it } from "vitest";
import { controlledStream, sseEvent } from "../helpers/fake-upstream.js";

// Real sockets on both sides: client -> proxy (serve) -> upstream (serve), to show that chunks
// cross both hops as they are written and that a client leaving cancels the upstream request.
const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function chain(upstreamStream: ReadableStream<Uint8Array>, onUpstreamAbort: () => void) {
  const upstream = await serve(
    (request) => {
      request.signal.addEventListener("abort", onUpstreamAbort, { once: true });
      return new Response(upstreamStream, {
        headers: { "content-type": "text/event-stream", "x-request-id": "req-up" },
      });
    },
    { port: 0 },
  );
  servers.push(upstream);
  const gloo = { baseURL: upstream.url, fetch: (input: string, init?: RequestInit) => fetch(input, init) };
  const proxy = await serve(createProxy({ gloo }).fetch, { port: 0 });
  servers.push(proxy);
  return proxy;
}

const chunk = (content: string) =>
  sseEvent({ choices: [{ index: 0, delta: { content }, finish_reason: null }] });

describe("createProxy over HTTP", () => {
  it("delivers each upstream chunk before the next one is even written", async () => {
    const upstream = controlledStream();
    const proxy = await chain(upstream.stream, () => {});
    const response = await fetch(`${proxy.url}/v1/chat/completions`, { method: "POST", body: "{}" });
    expect(response.headers.get("x-request-id")).toBe("req-up");
    const reader = response.body?.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    const decoder = new TextDecoder();
    upstream.push(chunk("first"));
    expect(decoder.decode((await reader.read()).value)).toContain("first");
    upstream.push(chunk("second"));
    expect(decoder.decode((await reader.read()).value)).toContain("second");
    upstream.close();
    await reader.cancel();
  });

  it("aborts the upstream request when the client disconnects mid-stream", async () => {
    const upstream = controlledStream();
    let upstreamAborted!: () => void;
    const aborted = new Promise<void>((resolve) => {
      upstreamAborted = resolve;
    });
    const proxy = await chain(upstream.stream, () => upstreamAborted());
    const client = new AbortController();
    const response = await fetch(`${proxy.url}/v2/chat/completions`, {
      method: "POST",
      body: "{}",
      signal: client.signal,
    });
    const reader = response.body?.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    upstream.push(chunk("only"));
    await reader.read();
    client.abort();
    await aborted;
    expect(upstream.state.cancelled).toBe(true);
  });
});

// The proxy's Gloo client against a real token endpoint on loopback that fails: the 502 it
// answers says whether a client's retry can help (x-should-retry, which openai-node follows).
describe("createProxy over HTTP: token endpoint failures", () => {
  async function proxyFor(
    platform: (request: Request) => Response | Promise<Response>,
    clientSecret: string,
  ) {
    const upstream = await serve(platform, { port: 0 });
    servers.push(upstream);
    const gloo = new Gloo({
      clientId: "emulator-client",
      clientSecret,
      baseURL: upstream.url,
      maxRetries: 2,
      sleep: () => Promise.resolve(),
    });
    const proxy = await serve(createProxy({ gloo }).fetch, { port: 0 });
    servers.push(proxy);
    return (path: string) =>
      fetch(`${proxy.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ messages: [{ role: "user", content: "Reply with only: OK" }] }),
      });
  }

  /** Checks the proxy's answer is its token-failure 502 with the given x-should-retry; its message. */
  async function tokenFailure(response: Response, shouldRetry: "true" | "false"): Promise<string> {
    expect(response.status).toBe(502);
    expect(response.headers.get("x-should-retry")).toBe(shouldRetry);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe("upstream_token_failed");
    return error.message;
  }

  it("asks clients to retry when the token endpoint keeps answering 503", async () => {
    let tokenRequests = 0;
    const send = await proxyFor((request) => {
      if (new URL(request.url).pathname !== "/oauth2/token")
        return new Response("unexpected", { status: 500 });
      tokenRequests++;
      return Response.json({ error: "temporarily_unavailable" }, { status: 503 });
    }, "emulator-secret");
    const message = await tokenFailure(await send("/v1/chat/completions"), "true");
    expect(message).toContain("503");
    expect(message).not.toContain("emulator-secret");
    // The SDK retried before giving up; the client may try again later.
    expect(tokenRequests).toBeGreaterThan(1);
  });

  it("asks clients not to retry when the platform refuses the credentials (invalid_client)", async () => {
    const send = await proxyFor(createEmulator().fetch, "not-the-secret");
    const message = await tokenFailure(await send("/v2/chat/completions"), "false");
    expect(message).toContain("invalid_client");
    expect(message).not.toContain("not-the-secret");
  });

  it("relays the completion when the token endpoint answers 503 once (the SDK retries it)", async () => {
    const emulator = createEmulator();
    let failed = false;
    const send = await proxyFor((request) => {
      if (new URL(request.url).pathname === "/oauth2/token" && !failed) {
        failed = true;
        return Response.json({ error: "temporarily_unavailable" }, { status: 503 });
      }
      return emulator.fetch(request);
    }, "emulator-secret");
    const response = await send("/v1/chat/completions");
    expect(response.status).toBe(200);
    expect(failed).toBe(true);
    expect(await response.json()).toMatchObject({ choices: [{ message: { content: "OK" } }] });
  });
});
