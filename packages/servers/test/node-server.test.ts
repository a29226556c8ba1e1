// serve(): the node:http binding, over real loopback sockets.
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { createEmulator, DROP_CONNECTION, type RunningServer, serve } from "@gloo-toolkit/servers";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

// Set by each round below: the plain round first, before any serve() in this process has
// replaced the globals, then the round with the fast classes the CLI's server commands use.
let overrideGlobalObjects = false;

async function start(handler: (request: Request) => Response | Promise<Response>) {
  const server = await serve(handler, { port: 0, overrideGlobalObjects });
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

/** Writes `bytes` on a raw socket and resolves with everything received once the server closes it. */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(bytes));
    let text = "";
    socket.on("data", (data) => {
      text += data.toString();
    });
    socket.on("close", () => resolve(text));
  });
}

async function settled(read: () => number): Promise<number> {
  for (;;) {
    const before = read();
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (read() === before) return before;
  }
}

/** Sends `POST body` with repeated header fields (node writes an array value as one line each). */
function post(url: string, headers: Record<string, string | string[]>, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("end", () => resolve(text));
    });
    req.on("error", reject);
    req.end(body);
  });
}

// The request is made from node's IncomingMessage; these pin down that it behaves as a web
// Request in every way a handler can tell.
for (const fast of [false, true]) {
  const mode = fast ? " (overrideGlobalObjects)" : "";
  describe(`serve${mode}`, () => {
    beforeAll(() => {
      overrideGlobalObjects = fast;
    });
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

    it("sends a body held in memory with its length rather than chunked", async () => {
      // The emulator answers with plain `new Response(json)` bodies; an unknown path gets its JSON 404.
      const server = await start(createEmulator({ seed: 1 }).fetch);
      const reply = await rawExchange(
        server.port,
        "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      );
      const [head = "", body = ""] = reply.split("\r\n\r\n");
      expect(head).not.toMatch(/transfer-encoding/i);
      expect(head).toMatch(new RegExp(`\r\ncontent-length: ${Buffer.byteLength(body)}\r\n`, "i"));
      expect(JSON.parse(body)).toEqual({ detail: "Not Found" });
    });

    it("writes a response's repeated fields joined and each Set-Cookie on its own line", async () => {
      const server = await start(
        () =>
          new Response("hi", {
            headers: [
              ["X-Many", "a"],
              ["x-many", "b"],
              ["Set-Cookie", "s=1"],
              ["set-cookie", "t=2"],
            ],
          }),
      );
      const reply = await rawExchange(server.port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      const [head = "", body = ""] = reply.split("\r\n\r\n");
      const lines = head.toLowerCase().split("\r\n");
      expect(lines).toContain("x-many: a, b");
      expect(lines.filter((line) => line.startsWith("set-cookie:"))).toEqual([
        "set-cookie: s=1",
        "set-cookie: t=2",
      ]);
      expect(lines).toContain("content-type: text/plain;charset=utf-8");
      expect(body).toBe("hi");
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
      expect(await response.json()).toEqual({
        error: { message: "The server failed to handle the request." },
      });
      expect(errors).toHaveLength(1);
    });

    it("answers unparsable HTTP with a JSON 400", async () => {
      const server = await start(() => new Response("never"));
      const reply = await rawExchange(server.port, "NONSENSE\r\n\r\n");
      expect(reply).toMatch(/^HTTP\/1\.1 400 Bad Request/);
      expect(JSON.parse(reply.slice(reply.indexOf("\r\n\r\n") + 4))).toMatchObject({
        error: { type: "invalid_request_error" },
      });
    });

    it("closes the connection after its 400 for a request with no valid URL, answering nothing after it", async () => {
      const server = await start(() => new Response("handled"));
      // Two requests pipelined on one socket: the first has an unusable Host header. Had the
      // connection stayed open, the second would be answered "handled".
      const reply = await rawExchange(
        server.port,
        "GET / HTTP/1.1\r\nHost: a b\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n",
      );
      expect(reply).toMatch(/^HTTP\/1\.1 400 /);
      expect(reply).toMatch(/\r\nconnection: close\r\n/i);
      expect(reply.match(/HTTP\/1\.1 /g)).toHaveLength(1);
      expect(reply).not.toContain("handled");
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

  describe(`the Request a handler gets${mode}`, () => {
    beforeAll(() => {
      overrideGlobalObjects = fast;
    });
    it("reads headers case-insensitively and joins repeated fields with a comma", async () => {
      const server = await start((request) =>
        Response.json({
          get: request.headers.get("X-MULTI"),
          has: request.headers.has("x-Multi"),
          missing: request.headers.get("x-absent"),
          hasMissing: request.headers.has("x-absent"),
          entries: [...request.headers].filter(([name]) => name.startsWith("x-")),
          copied: new Headers(request.headers).get("x-multi"),
          isHeaders: request.headers instanceof Headers,
        }),
      );
      const reply = await post(server.url, { "X-Multi": ["a", "b"], "x-one": " padded " }, "");
      expect(JSON.parse(reply)).toEqual({
        get: "a, b",
        has: true,
        missing: null,
        hasMissing: false,
        entries: [
          ["x-multi", "a, b"],
          ["x-one", "padded"],
        ],
        copied: "a, b",
        isHeaders: true,
      });
    });

    it("lets a handler change its headers like a real Request's", async () => {
      const server = await start((request) => {
        request.headers.set("x-added", "1");
        request.headers.delete("x-gone");
        return Response.json({ added: request.headers.get("x-added"), gone: request.headers.has("x-gone") });
      });
      expect(JSON.parse(await post(server.url, { "x-gone": "yes" }, ""))).toEqual({
        added: "1",
        gone: false,
      });
    });

    it("rejects an invalid header name the way Headers does", async () => {
      const server = await start((request) => {
        const thrown = (() => {
          try {
            request.headers.get("bad name");
            return "nothing";
          } catch (error) {
            return (error as Error).name;
          }
        })();
        return Response.json({ thrown });
      });
      expect(JSON.parse(await post(server.url, {}, ""))).toEqual({ thrown: "TypeError" });
    });

    it("aborts a signal first read after the client has gone", async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let started!: () => void;
      const running = new Promise<void>((resolve) => {
        started = resolve;
      });
      let reason: unknown;
      const done = new Promise<void>((resolve) => {
        void start(async (request) => {
          started();
          await gate;
          // The first read of `signal`: it must report the disconnect that came before it.
          const signal = request.signal;
          if (!signal.aborted) await new Promise((aborted) => signal.addEventListener("abort", aborted));
          reason = signal.reason;
          resolve();
          return new Response("late");
        }).then((server) => {
          const client = connect(server.port, "127.0.0.1", () =>
            client.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
          );
          void running.then(() => {
            client.once("close", () => release());
            client.destroy();
          });
        });
      });
      await done;
      expect((reason as Error).message).toBe("The client closed the connection.");
    });

    it("serves its body once through text, json, arrayBuffer or body", async () => {
      const server = await start(async (request) => {
        const json = await request.json();
        const again = await request.arrayBuffer().catch((error: unknown) => (error as Error).name);
        return Response.json({ json, again, used: request.bodyUsed });
      });
      expect(JSON.parse(await post(server.url, { "content-type": "application/json" }, '{"a":1}'))).toEqual({
        json: { a: 1 },
        again: "TypeError",
        used: true,
      });
      const streamed = await start(async (request) => {
        const reader = (request.body as ReadableStream<Uint8Array>).getReader();
        const first = await reader.read();
        reader.releaseLock();
        const again = await request.text().catch((error: unknown) => (error as Error).name);
        return Response.json({ bytes: first.value?.byteLength, again });
      });
      expect(JSON.parse(await post(streamed.url, {}, "hello"))).toEqual({ bytes: 5, again: "TypeError" });
    });

    it("copies into a new Request with the same method, URL, headers and body", async () => {
      const server = await start(async (request) => {
        const copy = new Request(request);
        // A header set afterwards shows in a later copy.
        request.headers.set("x-late", "1");
        const late = new Request(request, { body: "" }).headers.get("x-late");
        return Response.json({
          isRequest: request instanceof Request,
          method: copy.method,
          url: copy.url,
          header: copy.headers.get("x-test"),
          body: await copy.text(),
          cache: request.cache,
          late,
        });
      });
      const reply = await post(`${server.url}/a/../b?c=1`, { "x-test": "yes" }, "hello");
      expect(JSON.parse(reply)).toEqual({
        isRequest: true,
        method: "POST",
        url: `${server.url}/b?c=1`,
        header: "yes",
        body: "hello",
        cache: "default",
        late: "1",
      });
    });

    it("passes to fetch() as a Request, body and all", async () => {
      const echo = await start(async (request) =>
        Response.json({
          method: request.method,
          header: request.headers.get("x-test"),
          body: await request.text(),
        }),
      );
      const front = await start((request) => fetch(new Request(`${echo.url}/echo`, request)));
      const reply = await post(front.url, { "x-test": "yes" }, "hello");
      expect(JSON.parse(reply)).toEqual({ method: "POST", header: "yes", body: "hello" });
    });

    it("is sent by fetch(request) itself, to the URL its Host header names", async () => {
      const echo = await start(async (request) =>
        Response.json({ method: request.method, url: request.url, body: await request.text() }),
      );
      const front = await start((request) => fetch(request));
      const reply = await post(front.url, { host: `127.0.0.1:${echo.port}` }, "hello");
      expect(JSON.parse(reply)).toEqual({ method: "POST", url: `${echo.url}/`, body: "hello" });
    });

    it("cannot be copied into a new Request once its body is read", async () => {
      const server = await start(async (request) => {
        await request.text();
        const thrown = await Promise.resolve()
          .then(() => new Request(request))
          .then(
            () => "nothing",
            (error: unknown) => (error as Error).name,
          );
        return Response.json({ thrown });
      });
      expect(JSON.parse(await post(server.url, {}, "hello"))).toEqual({ thrown: "TypeError" });
    });
  });
}
