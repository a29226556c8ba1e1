import { inspect } from "node:util";
import {
  AccessToken,
  APIConnectionError,
  AuthenticationError,
  BadRequestError,
  GlooError,
  InternalServerError,
  maskToken,
  NotFoundError,
  OAuthError,
  redactSecret,
  requestClientCredentialsToken,
} from "@gloo-toolkit/sdk";
import { describe, expect, it } from "vitest";

const SECRET = "p@ss:wörd/+&=";

function recordingFetch(response: () => Response) {
  const seen: Request[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    seen.push(new Request(input, init));
    return response();
  };
  return { fetch: fetch as typeof globalThis.fetch, seen };
}

const sleeps: number[] = [];
const options = (fetch: typeof globalThis.fetch) => ({
  baseURL: "https://platform.test/",
  clientId: "my id",
  clientSecret: SECRET,
  fetch,
  now: () => 1_000_000,
  random: () => 0,
  sleep: async (ms: number) => {
    sleeps.push(ms);
  },
});

describe("requestClientCredentialsToken", () => {
  it("sends percent-encoded Basic credentials and the documented form body", async () => {
    const { fetch, seen } = recordingFetch(() => Response.json({ access_token: "abc", expires_in: 3600 }));
    await requestClientCredentialsToken(options(fetch));
    const request = seen[0] as Request;
    expect(request.url).toBe("https://platform.test/oauth2/token");
    expect(request.method).toBe("POST");
    expect(request.headers.get("content-type")).toBe("application/x-www-form-urlencoded");
    const basic = request.headers.get("authorization")?.replace("Basic ", "") ?? "";
    expect(atob(basic)).toBe(`my%20id:${encodeURIComponent(SECRET)}`);
    expect(await request.text()).toBe("grant_type=client_credentials&scope=api/access");
  });

  it("sends a custom scope", async () => {
    const { fetch, seen } = recordingFetch(() => Response.json({ access_token: "abc", expires_in: 60 }));
    await requestClientCredentialsToken({ ...options(fetch), scope: "api/access other" });
    expect(await seen[0]?.text()).toBe("grant_type=client_credentials&scope=api/access%20other");
  });

  it("returns an AccessToken with expiry counted from the request", async () => {
    const { fetch } = recordingFetch(() =>
      Response.json({ access_token: "abc", expires_in: 3600, token_type: "Bearer", scope: "api/access" }),
    );
    const token = await requestClientCredentialsToken(options(fetch));
    expect(token).toBeInstanceOf(AccessToken);
    expect(token.accessToken).toBe("abc");
    expect(token.expiresAt).toBe(1_000_000 + 3_600_000);
    expect(token.scope).toBe("api/access");
  });

  it.each([
    [{ expires_in: 3600 }, "has no access_token"],
    [{ access_token: "abc" }, "has no positive expires_in"],
    [{ access_token: "abc", expires_in: "soon" }, "has no positive expires_in"],
    ["<html>", "is not a JSON object"],
  ])("rejects an unusable answer %j", async (body, why) => {
    const { fetch } = recordingFetch(() =>
      typeof body === "string" ? new Response(body) : Response.json(body),
    );
    const error = await requestClientCredentialsToken(options(fetch)).catch((e) => e);
    // A 2xx that is not a token is no OAuth2 error (RFC 6749 §5.2), and not worth retrying.
    expect(error).toBeInstanceOf(GlooError);
    expect(error).not.toBeInstanceOf(OAuthError);
    expect(error.message).toContain(why);
    expect(error.message).toContain("POST https://platform.test/oauth2/token");
  });

  it("raises RFC 6749 errors and never echoes the secret", async () => {
    const { fetch } = recordingFetch(() =>
      Response.json(
        { error: "invalid_client", error_description: `bad secret ${SECRET}` },
        { status: 400, headers: { "x-request-id": "r-9" } },
      ),
    );
    const error = await requestClientCredentialsToken(options(fetch)).catch((e) => e);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error.status).toBe(400);
    expect(error.error).toBe("invalid_client");
    expect(error.requestId).toBe("r-9");
    expect(`${error.message} ${String(error)} ${JSON.stringify(error)}`).not.toContain(SECRET);
  });

  it("redacts the secret from an error page that echoes the request, in any encoding", async () => {
    const { fetch } = recordingFetch(
      () =>
        new Response(
          `Bad request. Authorization: Basic ${btoa(`my%20id:${encodeURIComponent(SECRET)}`)} body: client_secret=${encodeURIComponent(SECRET)}`,
          { status: 401 },
        ),
    );
    const error = await requestClientCredentialsToken(options(fetch)).catch((e) => e);
    // Not an OAuth2 error body, so an ordinary APIError with a numeric status.
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.status).toBe(401);
    expect(error.message).toContain(
      "Bad request. Authorization: Basic [redacted] body: client_secret=[redacted]",
    );
    expect(`${error.message} ${JSON.stringify(error)} ${JSON.stringify(error.body)}`).not.toContain(
      encodeURIComponent(SECRET),
    );
  });

  it("a 400 with an OAuth2 body is an OAuthError; a 400 without one a BadRequestError", async () => {
    const oauth = recordingFetch(() => Response.json({ error: "invalid_scope" }, { status: 400 }));
    const refused = await requestClientCredentialsToken(options(oauth.fetch)).catch((e) => e);
    expect(refused).toBeInstanceOf(OAuthError);
    expect(refused.error).toBe("invalid_scope");
    const plain = recordingFetch(() => Response.json({ detail: "bad form" }, { status: 400 }));
    const error = await requestClientCredentialsToken(options(plain.fetch)).catch((e) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.status).toBe(400);
    expect(oauth.seen).toHaveLength(1);
    expect(plain.seen).toHaveLength(1);
  });

  it("a 503 once is retried like any request, then the token arrives", async () => {
    const replies = [
      new Response("down", { status: 503 }),
      Response.json({ access_token: "abc", expires_in: 60 }),
    ];
    const { fetch, seen } = recordingFetch(() => replies.shift() as Response);
    sleeps.length = 0;
    const token = await requestClientCredentialsToken(options(fetch));
    expect(token.accessToken).toBe("abc");
    expect(seen).toHaveLength(2);
    expect(sleeps).toEqual([500]);
  });

  it("a 503 every time ends as an InternalServerError with status 503 after the retries", async () => {
    const { fetch, seen } = recordingFetch(() => new Response("down", { status: 503 }));
    const error = await requestClientCredentialsToken(options(fetch)).catch((e) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.status).toBe(503);
    expect(seen).toHaveLength(3);
  });

  it("a 404 is a NotFoundError whose message names the token endpoint under the base URL", async () => {
    const { fetch, seen } = recordingFetch(() => new Response("Not Found", { status: 404 }));
    const error = await requestClientCredentialsToken(options(fetch)).catch((e) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.status).toBe(404);
    expect(error.message).toContain("https://platform.test/oauth2/token");
    expect(error.target).toEqual({ method: "POST", url: "https://platform.test/oauth2/token" });
    expect(seen).toHaveLength(1);
  });

  it("turns a network failure into an APIConnectionError", async () => {
    const fetch = (async () => {
      throw new TypeError("fetch failed");
    }) as typeof globalThis.fetch;
    await expect(requestClientCredentialsToken(options(fetch))).rejects.toBeInstanceOf(APIConnectionError);
    await expect(requestClientCredentialsToken({ ...options(fetch), maxRetries: 0 })).rejects.toThrow(
      "POST https://platform.test/oauth2/token failed: fetch failed.",
    );
  });
});

describe("masking", () => {
  const jwt = `eyJh${"x".repeat(1036)}x9Q`;

  it("maskToken keeps only a recognisable prefix, suffix and length", () => {
    expect(maskToken(jwt)).toBe("eyJh…(1043 chars)…x9Q");
    expect(maskToken("short-token")).toBe("…(11 chars)…");
  });

  it("AccessToken never prints the token", () => {
    const token = new AccessToken({ accessToken: jwt, expiresIn: 3600, expiresAt: 0 });
    const printed = [
      String(token),
      JSON.stringify(token),
      inspect(token),
      JSON.stringify(Object.entries(token)),
    ];
    for (const text of printed) expect(text).not.toContain(jwt);
    expect(String(token)).toBe("Bearer eyJh…(1043 chars)…x9Q");
    expect(token.accessToken).toBe(jwt);
  });

  it("redacts a secret that a JSON error body carries escaped", async () => {
    const secret = 'quo"te\\secret-123';
    const echo = () => Response.json({ message: `unexpected secret ${secret}` }, { status: 503 });
    const error = await requestClientCredentialsToken({
      ...options(recordingFetch(echo).fetch),
      clientSecret: secret,
      maxRetries: 0,
    }).catch((e) => e);
    expect(JSON.stringify(error.body)).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(JSON.stringify(error.body)).toContain("[redacted]");
    expect(redactSecret(JSON.stringify({ s: secret }), { clientId: "id", clientSecret: secret })).toBe(
      '{"s":"[redacted]"}',
    );
  });

  it("redacts whole occurrences of the secret once, and never a short secret inside words", async () => {
    const answer = (text: string) => () => new Response(text, { status: 401 });
    // The old sequential replaceAll gave "Cli[r[redacted]dact[redacted]d]nt…" for a one-letter secret.
    const short = options(recordingFetch(answer("Client e is not allowed; secret e rejected")).fetch);
    const shortError = await requestClientCredentialsToken({ ...short, clientSecret: "e" }).catch((e) => e);
    expect(shortError.body).toBe("Client [redacted] is not allowed; secret [redacted] rejected");
    expect(shortError.message).toContain("Client [redacted] is not allowed; secret [redacted] rejected");
    const word = options(recordingFetch(answer("Client credentials rejected")).fetch);
    const wordError = await requestClientCredentialsToken({ ...word, clientSecret: "e" }).catch((e) => e);
    expect(wordError.body).toBe("Client credentials rejected");
    const long = options(recordingFetch(answer(`bad secret ${SECRET}, sent as ${SECRET}`)).fetch);
    const longError = await requestClientCredentialsToken(long).catch((e) => e);
    expect(longError.body).toBe("bad secret [redacted], sent as [redacted]");
    // A secret of 8 characters or more is redacted wherever it appears, even glued to other text.
    const glued = options(recordingFetch(answer("id=my-idlongsecret1x")).fetch);
    const gluedError = await requestClientCredentialsToken({ ...glued, clientSecret: "longsecret1" }).catch(
      (e) => e,
    );
    expect(gluedError.body).toBe("id=my-id[redacted]x");
  });
});
