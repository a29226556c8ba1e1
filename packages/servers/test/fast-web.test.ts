// The fast web classes serve installs with `overrideGlobalObjects`, side by side with the real
// ones: each case does the same thing to both and expects the same answer. The globals of this
// process are left alone; node-server.test.ts runs serve with them installed.

import { describe, expect, it } from "vitest";
import {
  FastRequest,
  IncomingRequest,
  type RequestParts,
  realRequest,
} from "../src/internal/fast-request.js";
import { FastResponse, heldBody } from "../src/internal/fast-response.js";
import { fieldRecord, fieldsOf, RawHeaders, rawFields, realHeaders } from "../src/internal/raw-headers.js";

const fast = (body?: BodyInit | null, init?: ResponseInit) =>
  new FastResponse(body, init) as unknown as Response;
const makers = { real: (body?: BodyInit | null, init?: ResponseInit) => new Response(body, init), fast };

/** What a caller can see of a response without reading its body. */
function looks(response: Response) {
  return {
    status: response.status,
    statusText: response.statusText,
    ok: response.ok,
    type: response.type,
    url: response.url,
    redirected: response.redirected,
    headers: [...response.headers],
    bodyUsed: response.bodyUsed,
    isResponse: response instanceof Response,
    tag: Object.prototype.toString.call(response),
  };
}

/** Every way to read a Request's or a Response's body, each answering something comparable. */
function bodyReads<T extends Request | Response>(): ((message: T) => Promise<unknown>)[] {
  return [
    (message) => message.text(),
    (message) => message.json(),
    async (message) => new Uint8Array(await message.arrayBuffer()).length,
    async (message) => (await message.blob()).size,
    async (message) => (await new Response(message.body).text()).length,
  ];
}

const outcome = async (run: () => unknown) => {
  try {
    return { value: await run() };
  } catch (error) {
    return { thrown: (error as Error).name };
  }
};

describe("FastResponse", () => {
  it("looks like a real Response for string, bytes and empty bodies and any plain init", async () => {
    const cases: [BodyInit | null | undefined, ResponseInit | undefined][] = [
      ["hello", undefined],
      ["hello", { status: 201, headers: { "x-a": "1" } }],
      ['{"a":1}', { headers: { "Content-Type": "application/json" } }],
      [new Uint8Array([104, 105]), { status: 404 }],
      [null, { status: 204 }],
      [undefined, undefined],
      ["moved", { status: 302, headers: [["location", "/x"]] }],
      ["fine", { status: 200, statusText: "Fine by me" }],
    ];
    for (const [body, init] of cases) {
      const real = new Response(body, init);
      const quick = fast(body, init);
      expect(looks(quick)).toEqual(looks(real));
      expect(await quick.text()).toBe(await real.text());
      expect(looks(quick)).toEqual(looks(real));
    }
  });

  it("throws what the real constructor throws for a bad status, status text or header", async () => {
    const inits: ResponseInit[] = [
      { status: 99 },
      { status: 600 },
      { status: 204 },
      { statusText: "bad\ntext" },
      { headers: { "bad name": "x" } },
    ];
    for (const init of inits) {
      const body = "x";
      expect(await outcome(() => fast(body, init))).toEqual(await outcome(() => new Response(body, init)));
    }
  });

  it("serves its body once through text, json, arrayBuffer, blob or body, like a real one", async () => {
    const reads = bodyReads<Response>();
    for (const read of reads)
      for (const second of reads) {
        const answers = [];
        for (const make of [makers.real, makers.fast]) {
          const response = make('{"a":1}');
          const first = await outcome(() => read(response));
          const again = await outcome(() => second(response));
          answers.push({ first, again, used: response.bodyUsed, body: response.body === null });
        }
        expect(answers[1]).toEqual(answers[0]);
      }
  });

  it("clones, tees and copies into a new Response with headers kept", async () => {
    const original = fast("hello", { status: 201, headers: { "x-a": "1" } });
    const copy = original.clone();
    expect(copy).toBeInstanceOf(Response);
    expect([await copy.text(), await original.text()]).toEqual(["hello", "hello"]);
    const rewrapped = new Response(
      fast("again", { headers: { "x-b": "2" } }).body,
      fast(null, { status: 202 }),
    );
    expect([rewrapped.status, await rewrapped.text()]).toEqual([202, "again"]);
    // A header set on the fast response is what a later reader (the real one behind it) sees.
    const changed = fast("x");
    changed.headers.set("x-late", "1");
    expect(changed.clone().headers.get("x-late")).toBe("1");
  });

  it("copies the bytes it is given, as the Fetch standard extracts a body", async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const response = fast(bytes);
    bytes[0] = 9;
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([1, 2, 3]);
  });

  it("holds headers given in any form as a real Response does, building no Headers until one changes", async () => {
    const given: HeadersInit[] = [
      [
        ["X-Many", " a "],
        ["x-many", "b"],
        ["Set-Cookie", "s=1"],
        ["set-cookie", "t=2"],
        ["Accept", "x"],
      ],
      { "X-Up": "1", zed: "\t2" },
      new Headers({ "x-from": "headers", "set-cookie": "u=3" }),
      new RawHeaders(["X-Raw", "1", "X-Raw", "2"]) as unknown as Headers,
    ];
    for (const headers of given) {
      const quick = fast("x", { headers });
      const real = new Response("x", { headers });
      expect([...quick.headers]).toEqual([...real.headers]);
      expect([...quick.headers.keys()]).toEqual([...real.headers.keys()]);
      expect([...quick.headers.values()]).toEqual([...real.headers.values()]);
      expect(quick.headers.getSetCookie()).toEqual(real.headers.getSetCookie());
      const each: string[] = [];
      quick.headers.forEach((value, name) => {
        each.push(`${name}=${value}`);
      });
      expect(each).toEqual([...real.headers].map(([name, value]) => `${name}=${value}`));
      // Still the list it was given: serve writes it without a Headers in between.
      expect(rawFields(quick.headers)).toBeDefined();
    }
    const changed = fast("x", { headers: { "x-a": "1" } });
    changed.headers.append("x-a", "2");
    expect(rawFields(changed.headers)).toBeUndefined();
    expect([...changed.headers]).toEqual([
      ["content-type", "text/plain;charset=UTF-8"],
      ["x-a", "1, 2"],
    ]);
  });

  it("refuses the header names and values a real Headers refuses, and trims as it does", async () => {
    for (const headers of [
      { "bad name": "x" },
      { "x-a": "line\nbreak" },
      { "x-a": "nul\0" },
      { "x-a": "wide \u0100" },
      [["x-a", "1", "2"]],
    ] as HeadersInit[])
      expect(await outcome(() => fast("x", { headers }))).toEqual(
        await outcome(() => new Response("x", { headers })),
      );
    expect(fieldsOf({ "X-A": " \t padded\t " })).toEqual(["X-A", "padded"]);
    expect(fieldsOf({ "x-a": "keeps \x01 inside" })).toEqual(["x-a", "keeps \x01 inside"]);
  });

  it("hands its bytes to the one reader that takes them, and still reads as used afterwards", async () => {
    const answers = [];
    for (const make of [makers.real, makers.fast]) {
      const response = make(new Uint8Array([1, 2, 3]), { headers: { "x-a": "1" } });
      const taken = new Uint8Array(await response.arrayBuffer());
      taken[0] = 9;
      answers.push({
        taken: [...taken],
        used: response.bodyUsed,
        text: await outcome(() => response.text()),
        clone: await outcome(() => response.clone()),
        type: response.headers.get("content-type"),
      });
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[1]).toMatchObject({ taken: [9, 2, 3], used: true, text: { thrown: "TypeError" } });
  });

  it("Response.json sets the JSON content type unless given, and refuses what JSON cannot carry", async () => {
    const quick = FastResponse.json({ a: 1 }, { status: 400 });
    const real = Response.json({ a: 1 }, { status: 400 });
    expect(looks(quick)).toEqual(looks(real));
    expect(await quick.json()).toEqual({ a: 1 });
    expect(
      FastResponse.json(1, { headers: { "content-type": "application/x" } }).headers.get("content-type"),
    ).toBe("application/x");
    expect(await outcome(() => FastResponse.json(undefined))).toEqual(
      await outcome(() => Response.json(undefined)),
    );
  });

  it("accepts every real Response as an instance, and keeps Response's static methods", () => {
    expect(new Response("x")).toBeInstanceOf(FastResponse);
    expect((FastResponse as unknown as typeof Response).error()).toBeInstanceOf(Response);
    expect((FastResponse as unknown as typeof Response).redirect("http://x/", 301).status).toBe(301);
    expect(FastResponse.name).toBe("Response");
  });

  it("lends its held body to serve once, and only while nothing has read it", async () => {
    const held = fast("hello", { status: 201 });
    expect(heldBody(held)).toMatchObject({ status: 201, body: "hello" });
    expect(heldBody(held)).toBeUndefined();
    const read = fast("hello");
    await read.text();
    expect(heldBody(read)).toBeUndefined();
    const streamed = fast("hello");
    void streamed.body;
    expect(heldBody(streamed)).toBeUndefined();
    expect(heldBody(new Response("hello"))).toBeUndefined();
  });
});

/** `make`'s value, made on the first call: as serve makes the disconnect signal. */
function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

const parts = (overrides: Partial<RequestParts> = {}): RequestParts => ({
  method: "POST",
  url: "http://127.0.0.1/a?b=1",
  headers: new RawHeaders(["X-A", "1", "content-type", "application/json"]),
  body: new TextEncoder().encode('{"a":1}') as Uint8Array<ArrayBuffer>,
  signal: once(() => new AbortController().signal),
  ...overrides,
});
const incoming = (overrides?: Partial<RequestParts>) =>
  new IncomingRequest(parts(overrides)) as unknown as Request;
const real = (overrides?: Partial<RequestParts>) => {
  const { url, signal, headers, ...init } = parts(overrides);
  return new Request(url, { ...init, headers: realHeaders(headers), signal: signal() });
};

describe("IncomingRequest", () => {
  it("looks like the real Request made of the same parts", () => {
    const view = (request: Request) => ({
      method: request.method,
      url: request.url,
      headers: [...request.headers],
      bodyUsed: request.bodyUsed,
      cache: request.cache,
      mode: request.mode,
      keepalive: request.keepalive,
      isRequest: request instanceof Request,
      tag: Object.prototype.toString.call(request),
    });
    expect(view(incoming())).toEqual(view(real()));
    expect(view(incoming({ method: "GET", body: null }))).toEqual(view(real({ method: "GET", body: null })));
    expect(incoming({ method: "GET", body: null }).body).toBeNull();
  });

  it("serves its body once through text, json, arrayBuffer, blob or body, like a real one", async () => {
    const reads = [
      ...bodyReads<Request>(),
      async (request: Request) => (await request.clone().text()).length,
    ];
    for (const read of reads)
      for (const second of reads) {
        const answers = [];
        for (const make of [real, incoming]) {
          const request = make();
          const first = await outcome(() => read(request));
          const again = await outcome(() => second(request));
          const copied = await outcome(() => new FastRequest(request).method);
          answers.push({ first, again, copied, used: request.bodyUsed });
        }
        expect(answers[1]).toEqual(answers[0]);
      }
  });

  it("copies into a new Request through the installed class, and reaches fetch as its real Request", async () => {
    const request = incoming();
    const copy = new FastRequest(request, { headers: { "x-b": "2" } });
    expect([copy.method, copy.url, copy.headers.get("x-b"), await copy.text()]).toEqual([
      "POST",
      "http://127.0.0.1/a?b=1",
      "2",
      '{"a":1}',
    ]);
    const other = incoming();
    const behind = realRequest(other);
    expect(behind).not.toBe(other);
    expect(Object.getPrototypeOf(behind)).toBe(Request.prototype);
    expect(realRequest("http://x/")).toBe("http://x/");
    expect(new Request("http://x/")).toBeInstanceOf(FastRequest);
  });

  it("refuses the methods new Request refuses, and keeps the signal it was given", () => {
    for (const method of ["CONNECT", "TRACE", "TRACK"]) {
      expect(() => incoming({ method, body: null })).toThrow(TypeError);
      expect(() => real({ method, body: null })).toThrow(TypeError);
    }
    const controller = new AbortController();
    const request = incoming({ signal: () => controller.signal });
    controller.abort(new Error("gone"));
    expect(request.signal.aborted).toBe(true);
    expect(request.signal).toBe(request.signal);
    expect(realRequest(incoming({ signal: () => controller.signal })).signal.aborted).toBe(true);
  });
});

describe("RawHeaders", () => {
  const raw = ["Host", "x", "X-Multi", "a", "x-multi", "b", "Content-Type", "text/plain"];
  const both = () => {
    const real = new Headers();
    for (let i = 0; i < raw.length; i += 2) real.append(raw[i] as string, raw[i + 1] as string);
    return [real, new RawHeaders(raw) as unknown as Headers] as const;
  };

  it("answers get and has as a Headers with the same fields does, any case, repeats joined", () => {
    const [real, quick] = both();
    for (const name of ["x-multi", "X-MULTI", "host", "content-type", "absent", "x-mult"])
      expect([quick.get(name), quick.has(name)]).toEqual([real.get(name), real.has(name)]);
    expect(quick.get("x-multi")).toBe("a, b");
    expect(() => quick.get("bad name")).toThrow(TypeError);
    expect(() => quick.has("bad name")).toThrow(TypeError);
  });

  it("iterates, copies, changes and passes instanceof like a Headers", () => {
    const [real, quick] = both();
    expect(quick).toBeInstanceOf(Headers);
    expect(Object.prototype.toString.call(quick)).toBe(Object.prototype.toString.call(real));
    expect([...quick]).toEqual([...real]);
    expect([...new Headers(quick)]).toEqual([...real]);
    expect(new Request("http://x/", { headers: quick }).headers.get("x-multi")).toBe("a, b");
    quick.set("x-multi", "c");
    quick.delete("host");
    expect([
      quick.get("x-multi"),
      quick.has("host"),
      realHeaders(quick as unknown as RawHeaders).get("x-multi"),
    ]).toEqual(["c", false, "c"]);
  });
});

describe("fieldRecord", () => {
  it("joins repeats, keeps cookies apart when asked, and treats Object's member names as plain fields", () => {
    const raw = [
      "X-A",
      "1",
      "x-a",
      "2",
      "Set-Cookie",
      "s=1",
      "set-cookie",
      "t=2",
      "Constructor",
      "c",
      "__proto__",
      "p",
    ];
    const apart = fieldRecord(raw, true);
    expect(Object.entries(apart)).toEqual([
      ["x-a", "1, 2"],
      ["set-cookie", ["s=1", "t=2"]],
      ["constructor", "c"],
      ["__proto__", "p"],
    ]);
    expect(Object.getPrototypeOf(apart)).toBe(Object.prototype);
    expect(fieldRecord(raw, false)["set-cookie"]).toBe("s=1, t=2");
  });
});
