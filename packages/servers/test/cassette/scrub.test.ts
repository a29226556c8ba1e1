// Every scrubbing rule, the placeholders' stability, and the scanner.
import { createScrubber, findSecrets } from "@gloo-toolkit/servers";
import { describe, expect, it } from "vitest";

// A JWT of the shape the platform (and the emulator) issues; the signature is made up.
const header = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString("base64url");
const payload = (sub: string) =>
  Buffer.from(JSON.stringify({ sub, scope: "api/access" })).toString("base64url");
const jwt = (sub: string) => `${header}.${payload(sub)}.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg`;
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;

describe("scrubbing headers", () => {
  it("replaces Basic credentials and learns the id and secret inside them", () => {
    const scrub = createScrubber();
    expect(scrub.headers([["Authorization", basic("team-client-7", "s3cret-value-99")]])).toEqual({
      authorization: "Basic gloo-scrubbed-basic",
    });
    // The decoded credentials are now known values, with their fixed placeholders.
    expect(scrub.text("id team-client-7, secret s3cret-value-99")).toBe(
      "id gloo-scrubbed-client-id, secret gloo-scrubbed-client-secret",
    );
  });

  it("numbers Bearer tokens in order of first appearance and reuses the number", () => {
    const scrub = createScrubber();
    const first = scrub.headers([["authorization", "Bearer opaque-token-aaaaaaaaaaaa"]]);
    const second = scrub.headers([["authorization", `Bearer ${jwt("b")}`]]);
    const again = scrub.headers([["authorization", "Bearer opaque-token-aaaaaaaaaaaa"]]);
    expect(first.authorization).toBe("Bearer gloo-scrubbed-token-1");
    expect(second.authorization).toBe("Bearer gloo-scrubbed-token-2");
    expect(again.authorization).toBe("Bearer gloo-scrubbed-token-1");
    // Short tokens too: in a header, the scheme says it is a credential.
    expect(scrub.headers([["authorization", "Bearer abc"]]).authorization).toBe(
      "Bearer gloo-scrubbed-token-3",
    );
  });

  it("replaces cookies, API-key and token headers, and leaves rate-limit counts and ids alone", () => {
    const scrub = createScrubber();
    expect(
      scrub.headers([
        ["Cookie", "session=abc; theme=dark"],
        ["Set-Cookie", "session=abc; HttpOnly"],
        ["x-api-key", "sk-live-0123456789"],
        ["api-key", "another-key-123"],
        ["x-amz-security-token", "FwoGZXIvYXdzEJr"],
        ["Proxy-Authorization", "Basic dXNlcjpwYXNz"],
        ["x-ratelimit-remaining-tokens", "39000"],
        ["x-request-id", "1d5e4c1e-0000-4000-8000-000000000001"],
        ["content-type", "application/json"],
      ]),
    ).toEqual({
      "api-key": "gloo-scrubbed-token-2",
      "content-type": "application/json",
      cookie: "gloo-scrubbed-cookie",
      "proxy-authorization": "Basic gloo-scrubbed-basic",
      "set-cookie": "gloo-scrubbed-cookie",
      "x-amz-security-token": "gloo-scrubbed-token-3",
      "x-api-key": "gloo-scrubbed-token-1",
      "x-ratelimit-remaining-tokens": "39000",
      "x-request-id": "1d5e4c1e-0000-4000-8000-000000000001",
    });
  });

  it("gives lower-case names in sorted order", () => {
    expect(
      Object.keys(
        createScrubber().headers([
          ["X-B", "1"],
          ["a", "2"],
          ["Content-Type", "x"],
        ]),
      ),
    ).toEqual(["a", "content-type", "x-b"]);
  });
});

describe("scrubbing bodies", () => {
  it("replaces form credentials and keeps the other fields and their order", () => {
    const scrub = createScrubber();
    expect(
      scrub.body({
        form: [
          ["grant_type", "client_credentials"],
          ["client_id", "team-client-7"],
          ["client_secret", "s3cret-value-99"],
          ["scope", "api/access"],
        ],
      }),
    ).toEqual({
      form: [
        ["grant_type", "client_credentials"],
        ["client_id", "gloo-scrubbed-client-id"],
        ["client_secret", "gloo-scrubbed-client-secret"],
        ["scope", "api/access"],
      ],
    });
  });

  it("replaces access, refresh and id tokens in JSON, and the same token in a later Bearer header", () => {
    const scrub = createScrubber();
    const token = jwt("client");
    const answer = scrub.body({
      json: {
        access_token: token,
        token_type: "Bearer",
        expires_in: 3600,
        refresh_token: "r-1",
        id_token: "i-1",
      },
    });
    expect(answer).toEqual({
      json: {
        access_token: "gloo-scrubbed-token-1",
        token_type: "Bearer",
        expires_in: 3600,
        refresh_token: "gloo-scrubbed-token-2",
        id_token: "gloo-scrubbed-token-3",
      },
    });
    expect(scrub.headers([["authorization", `Bearer ${token}`]]).authorization).toBe(
      "Bearer gloo-scrubbed-token-1",
    );
  });

  it("replaces JWTs anywhere in JSON, at any depth, and leaves other values as they are", () => {
    const scrub = createScrubber();
    const token = jwt("nested");
    expect(
      scrub.body({
        json: { messages: [{ role: "user", content: `my token is ${token}, ok?` }], n: 2, ok: true },
      }),
    ).toEqual({
      json: {
        messages: [{ role: "user", content: "my token is gloo-scrubbed-token-1, ok?" }],
        n: 2,
        ok: true,
      },
    });
  });

  it("scrubs text bodies: token JSON that was spaced, form text, Bearer and Basic in prose", () => {
    const scrub = createScrubber();
    const text = [
      '{ "access_token" : "opaque-1234567890", "token_type": "Bearer" }',
      "grant_type=client_credentials&client_secret=s3cret-value-99&client_id=team-client-7",
      "curl -H 'Authorization: Bearer abcdefghijklmnop0123' -H 'Authorization: Basic dXNlcjpwYXNzd29yZA=='",
      "The Bearer of bad news has Basic skills.",
    ].join("\n");
    expect(scrub.body({ text })).toEqual({
      text: [
        '{ "access_token" : "gloo-scrubbed-token-1", "token_type": "Bearer" }',
        "grant_type=client_credentials&client_secret=gloo-scrubbed-client-secret&client_id=gloo-scrubbed-client-id",
        "curl -H 'Authorization: Bearer gloo-scrubbed-token-2' -H 'Authorization: Basic gloo-scrubbed-basic'",
        "The Bearer of bad news has Basic skills.",
      ].join("\n"),
    });
  });

  it("scrubs a credential named as a header in text whatever its length", () => {
    const scrub = createScrubber();
    expect(
      scrub.text(
        `curl -H 'Authorization: Bearer abc' -H "authorization: basic ${btoa("u:p")}" -d '{"authorization":"Bearer x1"}'`,
      ),
    ).toBe(
      `curl -H 'Authorization: Bearer gloo-scrubbed-token-1' -H "authorization: basic gloo-scrubbed-basic" -d '{"authorization":"Bearer gloo-scrubbed-token-2"}'`,
    );
  });

  it("leaves base64 bodies and empty bodies alone", () => {
    const scrub = createScrubber();
    expect(scrub.body({ base64: "AAEC" })).toEqual({ base64: "AAEC" });
    expect(scrub.body(null)).toBeNull();
  });
});

describe("scrubbing SSE frames and known values", () => {
  it("changes nothing in a frame but the secret: line breaks, comments and spacing stay", () => {
    const scrub = createScrubber({ secrets: ["sk-known-secret-42"] });
    const frame = `: keep-alive\r\nevent: token\r\ndata: {"k":"sk-known-secret-42","t":"${jwt("x")}"}\r\n\r\n`;
    expect(scrub.text(frame)).toBe(
      ': keep-alive\r\nevent: token\r\ndata: {"k":"gloo-scrubbed-secret-1","t":"gloo-scrubbed-token-1"}\r\n\r\n',
    );
  });

  it("gives a known value the placeholder of where it is first met", () => {
    const scrub = createScrubber({ secrets: ["team-client-7", "s3cret-value-99"] });
    scrub.headers([["authorization", basic("team-client-7", "s3cret-value-99")]]);
    expect(scrub.text("team-client-7 s3cret-value-99")).toBe(
      "gloo-scrubbed-client-id gloo-scrubbed-client-secret",
    );
  });

  it("replaces tokens given with addSecret as tokens, and a longer value before a value inside it", () => {
    const scrub = createScrubber({ secrets: ["abcdef"] });
    scrub.addSecret("xyz-abcdef-123456");
    expect(scrub.text("xyz-abcdef-123456 then abcdef")).toBe(
      "gloo-scrubbed-token-1 then gloo-scrubbed-secret-1",
    );
  });

  it("starts token numbers where asked (after an appended cassette's)", () => {
    const scrub = createScrubber({ firstToken: 5 });
    expect(scrub.headers([["authorization", "Bearer t"]]).authorization).toBe("Bearer gloo-scrubbed-token-5");
  });

  it("never replaces a placeholder or touches short known values in prose", () => {
    const scrub = createScrubber({ secrets: ["abc"] });
    expect(scrub.text("abc gloo-scrubbed-token-1 Bearer gloo-scrubbed-token-1")).toBe(
      "abc gloo-scrubbed-token-1 Bearer gloo-scrubbed-token-1",
    );
  });
});

describe("findSecrets", () => {
  it("finds each kind of secret, masked, in order", () => {
    const token = jwt("leak");
    const text = [
      `"authorization": "Bearer ${"t".repeat(20)}"`,
      `"authorization": "${basic("id", "secret")}"`,
      "client_secret=hunter2hunter2",
      `{"access_token":"opaque-value"}`,
      `a JWT ${token}`,
      "and the known value my-known-value",
    ].join("\n");
    const found = findSecrets(text, ["my-known-value"]);
    expect(found.map((finding) => finding.rule)).toEqual([
      "authorization",
      "authorization",
      "form",
      "json",
      "jwt",
      "known",
    ]);
    for (const finding of found) {
      // Never more than three characters of the value.
      expect(text).not.toContain(finding.masked);
      expect(finding.masked).toMatch(/^(.{3})?…\(\d+ chars\)$/);
    }
  });

  it("finds Bearer and Basic credentials in prose only when they look like one", () => {
    const bearer = `a token: Bearer ${"x".repeat(20)}`;
    expect(findSecrets(bearer).map((finding) => finding.rule)).toEqual(["bearer"]);
    const basicText = `user and password: Basic ${btoa("user:password")}`;
    expect(findSecrets(basicText).map((finding) => finding.rule)).toEqual(["basic"]);
    expect(findSecrets('"authorization": "Bearer short"').map((finding) => finding.rule)).toEqual([
      "authorization",
    ]);
  });

  it("finds nothing in what the scrubber wrote", () => {
    const scrub = createScrubber({ secrets: ["my-known-value"] });
    const token = jwt("clean");
    const written = JSON.stringify({
      request: scrub.headers([["authorization", basic("team-client-7", "s3cret-value-99")]]),
      form: scrub.body({ form: [["client_secret", "s3cret-value-99"]] }),
      answer: scrub.body({ json: { access_token: token } }),
      frame: scrub.text(`data: {"t":"${token}","k":"my-known-value"}\n\n`),
    });
    expect(findSecrets(written, ["team-client-7", "s3cret-value-99", token, "my-known-value"])).toEqual([]);
  });

  it("finds nothing in prose and placeholders", () => {
    expect(
      findSecrets(
        'The Bearer of news. {"access_token":"gloo-scrubbed-token-1"} client_secret=gloo-scrubbed-client-secret',
      ),
    ).toEqual([]);
  });
});
