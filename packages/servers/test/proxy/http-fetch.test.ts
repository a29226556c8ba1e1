import { getEventListeners, once } from "node:events";
import { createServer as createTcpServer } from "node:net";
import { createHttpFetch, type RunningServer, serve } from "@gloo-toolkit/servers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { controlledStream } from "../helpers/fake-upstream.js";

let server: RunningServer;
let stream: ReturnType<typeof controlledStream> | undefined;
const seen: { method: string; headers: Headers; body: string }[] = [];

beforeAll(async () => {
  server = await serve(
    async (request) => {
      seen.push({ method: request.method, headers: request.headers, body: await request.text() });
      const path = new URL(request.url).pathname;
      if (path === "/empty") return new Response(null, { status: 204 });
      if (path === "/stream") {
        stream = controlledStream();
        return new Response(stream.stream, { headers: { "content-type": "text/event-stream" } });
      }
      return Response.json(
        { ok: true },
        { status: 201, statusText: "Made", headers: { "x-request-id": "req-1" } },
      );
    },
    { port: 0 },
  );
});
afterAll(() => server.close());

const httpFetch = createHttpFetch();

describe("createHttpFetch", () => {
  it("sends method, headers and body, asks for identity encoding, and returns status, text and headers", async () => {
    const response = await httpFetch(`${server.url}/json`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-custom": "1", "accept-encoding": "gzip" },
      body: '{"a":1}',
    });
    expect(response.status).toBe(201);
    expect(response.statusText).toBe("Made");
    expect(response.headers.get("x-request-id")).toBe("req-1");
    expect(await response.json()).toEqual({ ok: true });
    const request = seen.at(-1);
    expect(request?.method).toBe("POST");
    expect(request?.body).toBe('{"a":1}');
    expect(request?.headers.get("x-custom")).toBe("1");
    expect(request?.headers.get("accept-encoding")).toBe("identity");
    expect(request?.headers.get("content-length")).toBe("7");
  });

  it("accepts a Request object, as gloo.fetch passes one", async () => {
    const response = await httpFetch(new Request(`${server.url}/json`, { method: "PUT", body: "xyz" }));
    expect(response.status).toBe(201);
    expect(seen.at(-1)).toMatchObject({ method: "PUT", body: "xyz" });
  });

  it("sends a byte body and headers given in init as they are, any HeadersInit form", async () => {
    const response = await httpFetch(new URL(`${server.url}/json`), {
      method: "POST",
      headers: [
        ["X-Many", "a"],
        ["x-many", "b"],
      ],
      body: new TextEncoder().encode("bytes"),
    });
    expect(response.status).toBe(201);
    expect(await response.text()).toBe('{"ok":true}');
    const request = seen.at(-1);
    expect(request).toMatchObject({ method: "POST", body: "bytes" });
    expect(request?.headers.get("x-many")).toBe("a, b");
    expect(request?.headers.get("content-length")).toBe("5");
  });

  it("refuses header names and values that fetch refuses, with a TypeError", async () => {
    for (const headers of [
      { "bad name": "x" },
      { "x-a": "line\nbreak" },
      [["x-a", "1", "2"]],
    ] as HeadersInit[]) {
      const ours = await httpFetch(`${server.url}/json`, { headers }).catch((error: unknown) => error);
      const theirs = await fetch(`${server.url}/json`, { headers }).catch((error: unknown) => error);
      expect([ours instanceof TypeError, theirs instanceof TypeError]).toEqual([true, true]);
    }
  });

  it("lets go of the signal once the exchange is over", async () => {
    const controller = new AbortController();
    const response = await httpFetch(`${server.url}/json`, { signal: controller.signal });
    await response.text();
    await expect.poll(() => getEventListeners(controller.signal, "abort").length).toBe(0);
  });

  it("normalises a lower-case method as a Request would", async () => {
    await httpFetch(`${server.url}/json`, { method: "post", body: new Uint8Array([0x31]) });
    expect(seen.at(-1)).toMatchObject({ method: "POST", body: "1" });
  });

  it("cancels the upstream stream when the signal aborts after the answer has begun", async () => {
    const controller = new AbortController();
    const response = await httpFetch(`${server.url}/stream`, {
      method: "POST",
      body: new TextEncoder().encode("{}"),
      signal: controller.signal,
    });
    const reader = response.body?.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    stream?.push("data: 1\n\n");
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("data: 1\n\n");
    controller.abort(new Error("client left"));
    await expect(reader.read()).rejects.toThrow();
    await expect.poll(() => stream?.state.cancelled).toBe(true);
  });

  it("returns a null body for 204", async () => {
    const response = await httpFetch(`${server.url}/empty`);
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });

  it("streams the response body as it arrives and cancelling it ends the upstream stream", async () => {
    const response = await httpFetch(`${server.url}/stream`, { method: "POST", body: "{}" });
    const reader = response.body?.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    stream?.push("data: 1\n\n");
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("data: 1\n\n");
    stream?.push("data: 2\n\n");
    expect(new TextDecoder().decode((await reader.read()).value)).toBe("data: 2\n\n");
    await reader.cancel();
    // The server sees the socket close and cancels the body it was writing.
    await expect.poll(() => stream?.state.cancelled).toBe(true);
  });

  it("rejects with the abort reason when the signal aborts", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(httpFetch(`${server.url}/json`, { signal: controller.signal })).rejects.toThrow("stop");
  });

  it("rejects with TypeError('fetch failed') and the cause when nothing listens", async () => {
    const closed = await serve(() => new Response(""), { port: 0 });
    await closed.close();
    const error = await httpFetch(`${closed.url}/`).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe("fetch failed");
    expect((error as TypeError & { cause: { code: string } }).cause.code).toBe("ECONNREFUSED");
  });

  it("sends a request again on a new connection when a reused keep-alive socket was already closed", async () => {
    // Each connection answers its first request, then resets on the second: the keep-alive race,
    // made deterministic.
    let connections = 0;
    const tcp = createTcpServer((socket) => {
      connections += 1;
      let requests = 0;
      socket.on("data", () => {
        requests += 1;
        if (requests === 1)
          socket.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok");
        else socket.resetAndDestroy();
      });
    }).listen(0, "127.0.0.1");
    await once(tcp, "listening");
    const { port } = tcp.address() as { port: number };
    try {
      const fresh = createHttpFetch();
      expect(await (await fresh(`http://127.0.0.1:${port}/a`)).text()).toBe("ok");
      expect(await (await fresh(`http://127.0.0.1:${port}/b`)).text()).toBe("ok");
      expect(connections).toBe(2);
    } finally {
      tcp.close();
    }
  });

  it("rejects protocols other than http and https", async () => {
    await expect(httpFetch("ftp://127.0.0.1/x")).rejects.toThrow(/unsupported protocol/);
  });
});
