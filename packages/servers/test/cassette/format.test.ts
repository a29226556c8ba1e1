import { describe, expect, it } from "vitest";
import {
  canonicalJSON,
  matchKey,
  matchText,
  recordedBodyBytes,
  toRecordedBody,
} from "../../src/cassette/canonical.js";
import { type Cassette, formatCassette, parseCassette } from "../../src/cassette/format.js";

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("canonical bodies", () => {
  it("sorts keys at every depth and keeps array order", () => {
    expect(canonicalJSON({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it("matches equal requests whatever their key order, spacing or ignored fields", () => {
    const one = toRecordedBody(
      encode('{"model":"m","messages":[{"role":"user","content":"hi"}],"user":"a"}'),
      "application/json",
    );
    const two = toRecordedBody(
      encode('{ "messages": [ {"content":"hi","role":"user"} ], "model": "m", "metadata": {"run": 7} }'),
      "application/json",
    );
    expect(matchKey("post", "/ai/v1/chat/completions", one)).toBe(
      matchKey("POST", "/ai/v1/chat/completions", two),
    );
    const three = toRecordedBody(
      encode('{"model":"m","messages":[{"role":"user","content":"hello"}]}'),
      "application/json",
    );
    expect(matchKey("POST", "/ai/v1/chat/completions", three)).not.toBe(
      matchKey("POST", "/ai/v1/chat/completions", one),
    );
    // "stream": false asks for what no stream field asks for; "stream": true does not.
    const unstreamed = toRecordedBody(
      encode('{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":false}'),
      "application/json",
    );
    expect(matchKey("POST", "/ai/v1/chat/completions", unstreamed)).toBe(
      matchKey("POST", "/ai/v1/chat/completions", one),
    );
    expect(matchText(toRecordedBody(encode('{"stream":true}'), "application/json"))).toBe('{"stream":true}');
    // With no ignore list, the user field counts again.
    expect(matchText(one, [])).toContain('"user":"a"');
  });

  it("keeps compact JSON as a value and gives back the same bytes", () => {
    const text = '{"id":"chatcmpl-1","choices":[{"index":0}],"usage":{"total_tokens":3}}';
    const body = toRecordedBody(encode(text), "application/json; charset=utf-8");
    expect(body).toEqual({ json: JSON.parse(text) });
    expect(decode(recordedBodyBytes(body))).toBe(text);
  });

  it("keeps JSON whose bytes a round trip would change as text", () => {
    for (const text of ['{ "a": 1 }', '{"b":1,"1":2}']) {
      const body = toRecordedBody(encode(text), "application/json");
      expect(body).toEqual({ text });
      expect(decode(recordedBodyBytes(body))).toBe(text);
    }
  });

  it("reads forms as fields in order, other text as text, other bytes as base64, nothing as null", () => {
    expect(
      toRecordedBody(
        encode("grant_type=client_credentials&scope=api%2Faccess"),
        "application/x-www-form-urlencoded",
      ),
    ).toEqual({
      form: [
        ["grant_type", "client_credentials"],
        ["scope", "api/access"],
      ],
    });
    // Credentials never take part in a match: cassettes keep only placeholders for them.
    const live = toRecordedBody(
      encode("grant_type=client_credentials&client_id=abc&client_secret=s3cret"),
      "application/x-www-form-urlencoded",
    );
    const recorded = toRecordedBody(
      encode(
        "grant_type=client_credentials&client_id=gloo-scrubbed-client-id&client_secret=gloo-scrubbed-client-secret",
      ),
      "application/x-www-form-urlencoded",
    );
    expect(matchKey("POST", "/oauth2/token", live)).toBe(matchKey("POST", "/oauth2/token", recorded));
    expect(matchText(live)).toBe("grant_type=client_credentials");
    expect(toRecordedBody(encode("plain words"), "text/plain")).toEqual({ text: "plain words" });
    const bytes = new Uint8Array([0xff, 0xfe, 0x00]);
    const binary = toRecordedBody(bytes, "application/octet-stream");
    expect(binary).toEqual({ base64: "//4A" });
    expect([...recordedBodyBytes(binary)]).toEqual([...bytes]);
    expect(toRecordedBody(new Uint8Array(0), "application/json")).toBeNull();
    expect(matchText(null)).toBe("");
  });
});

describe("cassette files", () => {
  const cassette: Cassette = {
    format: "gloo-cassette",
    version: 1,
    recordedBy: "test",
    interactions: [
      {
        startedAt: "2026-11-30T00:00:00.000Z",
        request: { method: "POST", path: "/oauth2/token", headers: {}, body: null },
        response: {
          status: 200,
          statusText: "OK",
          headers: {},
          headersAfterMs: 1,
          body: { json: { ok: true } },
          end: { kind: "complete", afterMs: 1 },
        },
      },
    ],
  };

  it("round-trips through its text", () => {
    const text = formatCassette(cassette);
    expect(text.endsWith("}\n")).toBe(true);
    expect(parseCassette(text)).toEqual(cassette);
  });

  it("says what is wrong with a file that is not a cassette it can read", () => {
    expect(() => parseCassette("{", "c.json")).toThrow(/c\.json is not JSON/);
    expect(() => parseCassette("{}", "c.json")).toThrow(/not a gloo cassette.*gloo proxy --record/);
    expect(() => parseCassette(JSON.stringify({ ...cassette, version: 9 }), "c.json")).toThrow(
      /version 9.*reads version 1/,
    );
    const broken = { ...cassette, interactions: [{ request: { method: "GET" }, response: {} }] };
    expect(() => parseCassette(JSON.stringify(broken), "c.json")).toThrow(
      /interaction 1: the request needs a "method" and a "path"/,
    );
  });
});
