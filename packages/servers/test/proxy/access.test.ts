import { bindRefusal, isLoopbackHost } from "@gloo-toolkit/servers";
import { describe, expect, it } from "vitest";

describe("isLoopbackHost", () => {
  it.each(["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "app.localhost", "::1", "[::1]"])(
    "%s is loopback",
    (host) => expect(isLoopbackHost(host)).toBe(true),
  );
  it.each(["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.com", "128.0.0.1", "localhost.example.com"])(
    "%s is not",
    (host) => expect(isLoopbackHost(host)).toBe(false),
  );
});

describe("bindRefusal", () => {
  it("allows loopback with or without a key", () => {
    expect(bindRefusal("127.0.0.1", undefined)).toBeUndefined();
    expect(bindRefusal("::1", "k")).toBeUndefined();
  });

  it("refuses any other address without a key, saying why", () => {
    expect(bindRefusal("0.0.0.0", undefined)).toMatch(/refusing to listen on 0\.0\.0\.0 without a proxy key/);
    expect(bindRefusal("0.0.0.0", "")).toBeDefined();
  });

  it("allows any address with a key", () => {
    expect(bindRefusal("0.0.0.0", "a-long-proxy-key")).toBeUndefined();
  });
});
