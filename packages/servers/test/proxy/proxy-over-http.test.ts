import { createProxy, type RunningServer, serve } from "@gloo-toolkit/servers";
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
