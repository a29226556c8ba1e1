// serve(): the node:http binding, over real loopback sockets.
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { DROP_CONNECTION, type RunningServer, serve } from "@gloo-toolkit/servers";
import { afterEach, describe, expect, it } from "vitest";

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(handler: (request: Request) => Response | Promise<Response>) {
  const server = await serve(handler, { port: 0 });
  servers.push(server);
  return server;
}

/** A stream the test feeds by hand, so the client's view of each chunk can be checked in order. */
function manualStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
  });
  const encoder = new TextEncoder();
  return {
    stream,
    push: (text: string) => controller.enqueue(encoder.encode(text)),
    close: () => controller.close(),
    fail: () => controller.error(new Error("cut")),
  };
}

async function settled(read: () => number): Promise<number> {
  for (;;) {
    const before = read();
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (read() === before) return before;
  }
}

describe("serve", () => {
  it("answers on a free loopback port and passes method, path, query, headers and body", async () => {
    const server = await start(async (request) =>
      Response.json({
        method: request.method,
        url: request.url,
        header: request.headers.get("x-test"),
        body: await request.text(),
      }),
    );
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${server.url}/a/b?c=1`, {
      method: "POST",
      headers: { "x-test": "yes" },
      body: "hello",
    });
    expect(await response.json()).toEqual({
      method: "POST",
      url: `${server.url}/a/b?c=1`,
      header: "yes",
      body: "hello",
    });
  });

  it("streams large and chunked request bodies through to the handler intact", async () => {
    const server = await start(async (request) => {
      const bytes = new Uint8Array(await request.arrayBuffer());
      return Response.json({ length: bytes.byteLength, last: bytes[bytes.byteLength - 1] });
    });
    const big = new Uint8Array(300 * 1024).fill(7);
    const sized = await fetch(server.url, { method: "POST", body: big });
    expect(await sized.json()).toEqual({ length: big.byteLength, last: 7 });
    const chunked = await fetch(server.url, {
      method: "POST",
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new Uint8Array([1, 2]));
          controller.enqueue(new Uint8Array([3]));
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(await chunked.json()).toEqual({ length: 3, last: 3 });
  });

  it("gives handlers a Request that reads once, clones, and passes instanceof", async () => {
    const server = await start(async (request) => {
      const copy = request.clone();
      const first = await request.text();
      const second = await request.text().catch((error: unknown) => (error as Error).name);
      return Response.json({
        first,
        second,
        copy: await copy.text(),
        isRequest: request instanceof Request,
        used: request.bodyUsed,
      });
    });
    const response = await fetch(server.url, { method: "POST", body: "hello" });
    expect(await response.json()).toEqual({
      first: "hello",
      second: "TypeError",
      copy: "hello",
      isRequest: true,
      used: true,
    });
  });

  it("delivers each streamed chunk as soon as it is written (no buffering)", async () => {
    const source = manualStream();
    const server = await start(
      () => new Response(source.stream, { headers: { "content-type": "text/event-stream" } }),
    );
    const response = await fetch(server.url);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    source.push("data: 1\n\n");
    expect(decoder.decode((await reader.read()).value)).toBe("data: 1\n\n");
    source.push("data: 2\n\n");
    expect(decoder.decode((await reader.read()).value)).toBe("data: 2\n\n");
    source.close();
    expect((await reader.read()).done).toBe(true);
  });

  it("closes the socket with no response when the handler throws DROP_CONNECTION", async () => {
    const server = await start(() => {
      throw DROP_CONNECTION;
    });
    await expect(fetch(server.url)).rejects.toThrow();
  });

  it("cuts the connection when a response body errors mid-way, so the client sees a broken stream", async () => {
    const source = manualStream();
    const server = await start(() => new Response(source.stream));
    const response = await fetch(server.url);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    source.push("partial");
    await reader.read();
    source.fail();
    await expect(reader.read()).rejects.toThrow();
  });

  it("aborts request.signal when the client disconnects", async () => {
    let aborted!: () => void;
    const sawAbort = new Promise<void>((resolve) => {
      aborted = resolve;
    });
    const server = await start((request) => {
      request.signal.addEventListener("abort", () => aborted());
      return new Response(manualStream().stream);
    });
    const controller = new AbortController();
    const response = await fetch(server.url, { signal: controller.signal });
    expect(response.status).toBe(200);
    controller.abort();
    await sawAbort;
  });

  it("respects backpressure: a slow reader holds the producer back", async () => {
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024);
    const server = await start(
      () =>
        new Response(
          new ReadableStream(
            {
              pull(controller) {
                pulled++;
                if (pulled > 2000) controller.close();
                else controller.enqueue(chunk);
              },
            },
            { highWaterMark: 0 },
          ),
        ),
    );
    const socketDone = new Promise<number>((resolve) => {
      httpRequest(server.url, (res) => {
        res.pause();
        // The client reads nothing: wait until the producer stops, which with backpressure is
        // long before all 2000 chunks (~128 MB) were pulled.
        void settled(() => pulled).then(resolve);
      }).end();
    });
    expect(await socketDone).toBeLessThan(2000);
  });

  it("turns a handler crash into a JSON 500 and reports it", async () => {
    const errors: unknown[] = [];
    const server = await serve(
      () => {
        throw new Error("boom");
      },
      { port: 0, onError: (error) => errors.push(error) },
    );
    servers.push(server);
    const response = await fetch(server.url);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: { message: "The server failed to handle the request." } });
    expect(errors).toHaveLength(1);
  });

  it("answers unparsable HTTP with a JSON 400", async () => {
    const server = await start(() => new Response("never"));
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(server.port, "127.0.0.1", () => socket.write("NONSENSE\r\n\r\n"));
      let text = "";
      socket.on("data", (data) => {
        text += data.toString();
      });
      socket.on("close", () => resolve(text));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect(JSON.parse(reply.slice(reply.indexOf("\r\n\r\n") + 4))).toMatchObject({
      error: { type: "invalid_request_error" },
    });
  });

  it("close() ends idle keep-alive connections and stops listening", async () => {
    const server = await serve(() => new Response("ok"), { port: 0 });
    const agentResponse = await fetch(server.url, { headers: { connection: "keep-alive" } });
    await agentResponse.text();
    await server.close();
    await expect(fetch(server.url)).rejects.toThrow();
  });

  it("closes when its signal aborts", async () => {
    const controller = new AbortController();
    const server = await serve(() => new Response("ok"), { port: 0, signal: controller.signal });
    controller.abort();
    await server.close();
    await expect(fetch(server.url)).rejects.toThrow();
  });
});
