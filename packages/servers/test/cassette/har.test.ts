// cassetteToHAR: valid HAR 1.2 (the har-schema JSON Schemas), one entry per interaction with the
// platform URL, the request body as postData, SSE content as the frames joined, timings from the
// recorded times, connection headers left out, drops noted, no-answer drops left out.
import { cassetteToHAR, PLATFORM_BASE_URL } from "@gloo-toolkit/servers";
import { describe, expect, it } from "vitest";
import {
  cassetteOf,
  chatBody,
  completionJSON,
  platformCassette,
  tokenExchange,
  V2,
} from "../../../../test/helpers/cassettes.js";
import { harValidator } from "../../../../test/helpers/har.js";

describe("cassetteToHAR", () => {
  const cassette = platformCassette();
  const har = cassetteToHAR(cassette);

  it("is valid HAR 1.2, one entry per interaction in recorded order", () => {
    const validate = harValidator();
    expect(validate(har), JSON.stringify(validate.errors)).toBe(true);
    expect(har.log.version).toBe("1.2");
    expect(har.log.creator).toEqual({
      name: "gloo-toolkit",
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    expect(har.log.entries.map((entry) => entry.startedDateTime)).toEqual(
      cassette.interactions.map((interaction) => interaction.startedAt),
    );
    // Turning it into a JSON file and back changes nothing the schema checks.
    expect(validate(JSON.parse(JSON.stringify(har)))).toBe(true);
    // The schema does check: an entry without timings, or an unknown version, is refused.
    const { timings: _, ...untimed } = har.log.entries[0] as (typeof har.log.entries)[number];
    expect(validate({ log: { ...har.log, entries: [untimed] } })).toBe(false);
    expect(validate({ log: { ...har.log, creator: {} } })).toBe(false);
  });

  it("puts requests on the platform's URL with their exact body as postData", () => {
    const entry = har.log.entries[1];
    expect(PLATFORM_BASE_URL).toBe("https://platform.ai.gloo.com");
    expect(entry?.request).toMatchObject({
      method: "POST",
      url: `https://platform.ai.gloo.com${V2}`,
      httpVersion: "HTTP/1.1",
      postData: { mimeType: "application/json", text: JSON.stringify(chatBody("Reply with only: JSON-OK")) },
      bodySize: JSON.stringify(chatBody("Reply with only: JSON-OK")).length,
    });
    expect(har.log.entries[0]?.request.postData).toEqual({
      mimeType: "application/x-www-form-urlencoded",
      text: "grant_type=client_credentials&scope=api%2Faccess",
      params: [
        { name: "grant_type", value: "client_credentials" },
        { name: "scope", value: "api/access" },
      ],
    });
  });

  it("keeps the answer's body, status and headers, without the connection's fields", () => {
    const entry = har.log.entries[1];
    const text = JSON.stringify(completionJSON("chatcmpl-JSON-OK", "JSON-OK"));
    expect(entry?.response.content).toEqual({ size: text.length, mimeType: "application/json", text });
    expect(entry?.response.headers).toEqual([
      { name: "content-type", value: "application/json" },
      { name: "x-request-id", value: "req-JSON-OK" },
    ]);
    expect(har.log.entries[2]?.response).toMatchObject({ status: 429, statusText: "Too Many Requests" });
  });

  it("gives a stream its frames joined as the content, and its times as timings", () => {
    const entry = har.log.entries[4];
    const frames = cassette.interactions[4]?.response.frames ?? [];
    expect(entry?.response.content.text).toBe(frames.map((frame) => frame.text).join(""));
    expect(entry?.response.content.mimeType).toBe("text/event-stream");
    const end = cassette.interactions[4]?.response.end.afterMs ?? 0;
    expect(entry?.timings).toEqual({ send: 0, wait: 8, receive: end });
    expect(entry?.time).toBe(8 + end);
  });

  it("notes a dropped stream, and puts entries on any base URL", () => {
    expect(har.log.entries[6]?.response.comment).toContain("other side closed");
    const local = cassetteToHAR(cassetteOf([tokenExchange()]), { baseURL: "http://127.0.0.1:9/" });
    expect(local.log.entries[0]?.request.url).toBe("http://127.0.0.1:9/oauth2/token");
    expect(local.log.comment).toBe("Exported from a gloo cassette recorded by gloo-toolkit test fixtures.");
  });
});
