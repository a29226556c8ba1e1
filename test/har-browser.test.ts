// A cassette exported by `gloo cassette har` and replayed by Playwright's routeFromHAR in Debian's
// Chromium (playwright-core, never a downloaded browser): a page on loopback calls the platform's
// URL with fetch() and gets the recorded JSON and stream bodies. Chromium resolves no host name
// but loopback (--host-resolver-rules), so every answer can only have come from the HAR; with
// `notFound: "abort"` an unrecorded request fails instead of reaching the network.
// `npm test` builds first; run `npx tsc -b` before running this file alone.
import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatCassette } from "@gloo-toolkit/servers";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatBody, completionJSON, platformCassette, V2 } from "./helpers/cassettes.js";
import { runProcess } from "./helpers/processes.js";

const GLOO_BIN = fileURLToPath(new URL("../packages/cli/bin.js", import.meta.url));
const CHROMIUM = "/usr/bin/chromium";
const PLATFORM = "https://platform.ai.gloo.com";

const cassette = platformCassette();
let site: Server;
let siteRequests: string[];
let origin: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;

type Call = { status?: number; text?: string; error?: string };

/** fetch() from the page: a POST of `body` to the platform, its status and whole body text. */
function callFromPage(path: string, body: unknown): Promise<Call> {
  return page.evaluate(
    async ({ url, text }) => {
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: { authorization: "Bearer token-from-the-page", "content-type": "application/json" },
          body: text,
        });
        return { status: response.status, text: await response.text() };
      } catch (error) {
        return { error: String(error) };
      }
    },
    { url: `${PLATFORM}${path}`, text: JSON.stringify(body) },
  );
}

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), "gloo-har-"));
  await writeFile(join(dir, "chat.cassette.json"), formatCassette(cassette));
  const exported = await runProcess(
    process.execPath,
    [GLOO_BIN, "cassette", "har", "chat.cassette.json", "-o", "chat.har"],
    { cwd: dir },
  );
  expect(exported, exported.stderr).toMatchObject({ code: 0 });
  siteRequests = [];
  site = createServer((request, response) => {
    siteRequests.push(`${request.method} ${request.url}`);
    response.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>ready</title>");
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  const args = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"];
  // Chromium's sandbox cannot start as root (containers, CI); elsewhere it stays on.
  if (process.getuid?.() === 0) args.push("--no-sandbox");
  browser = await chromium.launch({ executablePath: CHROMIUM, args });
  context = await browser.newContext();
  await context.routeFromHAR(join(dir, "chat.har"), { url: `${PLATFORM}/**`, notFound: "abort" });
  page = await context.newPage();
  await page.goto(`${origin}/`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => site?.close(resolve));
});

describe("routeFromHAR with an exported cassette", { timeout: 60_000 }, () => {
  it("cannot reach the platform without the HAR: Chromium resolves only loopback", async () => {
    const bare = await browser.newPage();
    await bare.goto(`${origin}/`);
    const outcome = await bare.evaluate(async (url) => {
      try {
        await fetch(url);
        return "reached";
      } catch (error) {
        return String(error);
      }
    }, `${PLATFORM}/platform/v2/models`);
    await bare.close();
    expect(outcome).toContain("Failed to fetch");
  });

  it("answers the page's chat completion with the recorded JSON", async () => {
    const call = await callFromPage(V2, chatBody("Reply with only: JSON-OK"));
    expect(call).toEqual({
      status: 200,
      text: JSON.stringify(completionJSON("chatcmpl-JSON-OK", "JSON-OK")),
    });
  });

  it("answers a stream with the recorded frames, byte for byte", async () => {
    const call = await callFromPage(V2, chatBody("Say three words", { stream: true }));
    const frames = cassette.interactions[4]?.response.frames?.map((frame) => frame.text).join("");
    expect(call).toEqual({ status: 200, text: frames });
  });

  it("answers repeated requests with the first recording, as Playwright picks among equal entries", async () => {
    // The cassette holds a 429 and then the 200 for this body; a HAR replay has no order.
    const call = await callFromPage(V2, chatBody("Reply with only: AFTER-429"));
    expect(call.status).toBe(429);
  });

  it("aborts a request the HAR lacks (notFound: abort): nothing goes to the network", async () => {
    const failed: string[] = [];
    context.on("requestfailed", (request) => failed.push(`${request.method()} ${request.url()}`));
    const call = await callFromPage(V2, chatBody("Reply with only: NOT-RECORDED"));
    expect(call.error).toContain("Failed to fetch");
    expect(failed).toEqual([`POST ${PLATFORM}${V2}`]);
    // Nor did it land anywhere else: the page's own server saw only the page loads.
    expect(siteRequests.filter((line) => !line.startsWith("GET /"))).toEqual([]);
  });
});
