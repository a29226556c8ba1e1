// Runs the committed Postman collection and environment with newman (its Node API) against the
// emulator on loopback. Base URL and credentials are given as run options (`envVar`), never
// written into the files. newman runs with no reporter, and only assertion names and messages are
// printed, so no secret reaches the test output.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { createEmulator, type Emulator, type RunningServer, serve } from "@gloo-toolkit/servers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCollection } from "../src/postman/collection.js";
import {
  COLLECTION_FILE_NAME,
  DEFAULT_POSTMAN_OPTIONS,
  ENVIRONMENT_FILE_NAME,
} from "../src/postman/files.js";

/** The part of newman's run summary this test reads (newman ships no type declarations). */
interface NewmanSummary {
  run: {
    stats: { assertions: { total: number; failed: number }; requests: { total: number } };
    failures: Array<{ error: { name: string; message: string; test?: string }; source?: { name?: string } }>;
    error?: unknown;
  };
}

interface Newman {
  run(
    options: object,
    callback: (error: Error | null, summary: NewmanSummary) => void,
  ): {
    on(
      event: "console",
      listener: (error: unknown, event: { level: string; messages: unknown[] }) => void,
    ): void;
  };
}

const newman = createRequire(import.meta.url)("newman") as Newman;
const postmanDir = fileURLToPath(new URL("../../../postman/", import.meta.url));
const CLIENT_ID = "postman-client";
const CLIENT_SECRET = "postman-secret-6d1f";

interface RunOptions {
  clientId?: string;
  clientSecret?: string;
  folder?: string;
}

/** What the collection's scripts wrote to the console in the last run (Postman's deprecation notices go there). */
const consoleLines: string[] = [];

function runCollection(base: string, options: RunOptions = {}): Promise<NewmanSummary> {
  consoleLines.length = 0;
  const envVar = [
    { key: "BASE", value: base },
    { key: "CLIENT_ID", value: options.clientId ?? CLIENT_ID },
    { key: "CLIENT_SECRET", value: options.clientSecret ?? CLIENT_SECRET },
  ];
  return new Promise((resolve, reject) => {
    newman
      .run(
        {
          collection: `${postmanDir}${COLLECTION_FILE_NAME}`,
          environment: `${postmanDir}${ENVIRONMENT_FILE_NAME}`,
          envVar,
          reporters: [],
          timeoutRequest: 15_000,
          ...(options.folder === undefined ? {} : { folder: options.folder }),
        },
        (error, summary) => (error === null ? resolve(summary) : reject(error)),
      )
      .on("console", (_error, event: { level: string; messages: unknown[] }) => {
        consoleLines.push(`${event.level}: ${event.messages.map(String).join(" ")}`);
      });
  });
}

/** Each failure as "request › test: message"; never the summary object, which holds the environment. */
function describeFailures(summary: NewmanSummary): string[] {
  return summary.run.failures.map(
    ({ error, source }) => `${source?.name ?? "?"} › ${error.test ?? error.name}: ${error.message}`,
  );
}

const items = buildCollection(DEFAULT_POSTMAN_OPTIONS).item.flatMap((folder) => folder.item);
const tokenItems = items.filter((item) => item.request.url.raw.endsWith("/oauth2/token"));

/** How many `pm.test` calls the test scripts make: each runs exactly once when every request succeeds. */
function countTestsInScripts(): number {
  const tests = items.flatMap((item) => item.event.filter((event) => event.listen === "test"));
  return tests.reduce((sum, event) => sum + event.script.exec.join("\n").split("pm.test(").length - 1, 0);
}

/** Serves `emulator` on loopback and counts the token requests it receives. */
async function serveCountingTokens(
  emulator: Emulator,
): Promise<{ server: RunningServer; tokenRequests: { count: number } }> {
  const tokenRequests = { count: 0 };
  const server = await serve(
    (request) => {
      if (new URL(request.url).pathname === "/oauth2/token") tokenRequests.count += 1;
      return emulator.fetch(request);
    },
    { port: 0, host: "127.0.0.1" },
  );
  return { server, tokenRequests };
}

describe("the committed Postman collection, run by newman against the emulator", () => {
  let server: RunningServer;
  let emulator: Emulator;
  let tokenRequests: { count: number };

  beforeAll(async () => {
    emulator = createEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    ({ server, tokenRequests } = await serveCountingTokens(emulator));
  });
  afterAll(async () => {
    await server.close();
  });

  it("passes every assertion of every request", async () => {
    tokenRequests.count = 0;
    const summary = await runCollection(server.url);
    const { assertions, requests } = summary.run.stats;
    console.log(
      `newman: ${assertions.total} assertions, ${assertions.failed} failed, over ${requests.total} requests`,
    );
    expect(describeFailures(summary)).toEqual([]);
    expect(summary.run.error ?? null).toBeNull();
    expect(assertions.total).toBe(countTestsInScripts());
    // The README quotes the count; it must be the one newman runs.
    const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
    expect(/\((\d+) assertions, all passing\)/.exec(readme)?.[1]).toBe(String(assertions.total));
    // The collection's own token requests, and no other: the stored token served every request.
    expect(tokenRequests.count).toBe(tokenItems.length);
  });

  it("runs a folder alone: the collection pre-request script fetches the token", async () => {
    tokenRequests.count = 0;
    const summary = await runCollection(server.url, { folder: "Health checks" });
    expect(describeFailures(summary)).toEqual([]);
    expect(summary.run.stats.assertions.total).toBe(7);
    expect(tokenRequests.count).toBe(1);
    // The script uses no API Postman has deprecated (each use prints a notice).
    expect(consoleLines.filter((line) => line.includes("deprecated"))).toEqual([]);
  });

  it("fetches a fresh token before each request when the stored one is about to expire", async () => {
    // Tokens that live 30 s are always inside the scripts' 60 s refresh margin.
    const shortLived = await serveCountingTokens(
      createEmulator({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, tokenTtlSeconds: 30 }),
    );
    try {
      const summary = await runCollection(shortLived.server.url);
      expect(describeFailures(summary)).toEqual([]);
      expect(shortLived.tokenRequests.count).toBe(items.length);
    } finally {
      await shortLived.server.close();
    }
  });

  it("reports a platform error and a stream that fails part-way as assertion failures", async () => {
    emulator.queueFault("503");
    const completion = await runCollection(server.url, { folder: "Completions" });
    expect(describeFailures(completion)).toEqual([
      expect.stringMatching(
        /^Chat Completion \(non-stream\) › status is 200: the completion request returned 503 /,
      ),
    ]);
    emulator.queueFault("error-after=1");
    const stream = await runCollection(server.url, { folder: "SSE" });
    const failures = describeFailures(stream);
    expect(failures).toContainEqual(
      expect.stringMatching(
        /the stream ends with finish_reason stop or length: last chunk: .*"finish_reason":"error"/,
      ),
    );
    for (const { error } of stream.run.failures) expect(error.name).toBe("AssertionError");
  });

  it("fails with readable assertion messages, not script errors, when the credentials are wrong", async () => {
    const summary = await runCollection(server.url, { clientSecret: "wrong-secret-0000" });
    const failures = describeFailures(summary);
    console.log(`newman with wrong credentials: ${failures.length} failures, e.g. ${failures[0]}`);
    expect(summary.run.error ?? null).toBeNull();
    expect(summary.run.failures.length).toBe(summary.run.stats.assertions.failed);
    for (const { error } of summary.run.failures) expect(error.name).toBe("AssertionError");
    for (const failure of failures) expect(failure).toContain("token request returned 400 invalid_client");
    // The token requests fail their status test; every other request fails its token check and is not sent.
    expect(failures.filter((failure) => failure.includes("token request succeeded"))).toHaveLength(
      tokenItems.length,
    );
    expect(failures.filter((failure) => failure.includes("access token is available"))).toHaveLength(
      items.length - tokenItems.length,
    );
    expect(failures.join("\n")).not.toContain("wrong-secret-0000");
  });

  it("says which variables to set when no credentials are given", async () => {
    const summary = await runCollection(server.url, {
      clientId: "",
      clientSecret: "",
      folder: "Completions",
    });
    expect(describeFailures(summary)).toEqual([
      "Chat Completion (non-stream) › access token is available: " +
        "no access token: set CLIENT_ID and CLIENT_SECRET in the environment",
    ]);
  });
});
