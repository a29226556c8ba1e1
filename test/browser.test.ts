// The SDK in a real browser: Debian's Chromium (never a downloaded one), driven by playwright-core.
// A page on one loopback origin loads the SDK's built ES modules, gets tokens from its own server
// route (the README's tokenProvider pattern) and calls `gloo emulator` on another port: with
// `--cors <the page's origin>` a JSON and a streamed v2 call work; without it the error names CORS.
// `npm test` builds first; run `npx tsc -b` before running this file alone.
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { Gloo } from "@gloo-toolkit/sdk";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Started, startServer } from "./helpers/processes.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SDK_DIST = new URL("../packages/sdk/dist/", import.meta.url);
const CALLS = new URL("./fixtures/consumer/calls.mjs", import.meta.url);
const GLOO_BIN = fileURLToPath(new URL("../packages/cli/bin.js", import.meta.url));
const CHROMIUM = "/usr/bin/chromium";
const CREDENTIALS = { clientId: "emulator-client", clientSecret: "emulator-secret" };

// The page: it imports the SDK from /sdk/ and the calls the runtime tests share, for the test.
const PAGE_HTML = `<!doctype html><title>gloo</title><script type="module">
import * as sdk from "/sdk/index.js";
import { jsonAndStream } from "/calls.mjs";
Object.assign(window, { sdk, jsonAndStream });
document.title = "ready";
</script>`;

let site: Server;
let origin: string;
let allowed: Started;
let refused: Started;
let browser: Browser;
let page: Page;

/** The page's server: the page, the SDK's built modules, and a token route backed by `tokenBase`. */
function pageServer(tokenBase: () => string): Server {
  return createServer(async (request, response) => {
    const path = new URL(request.url ?? "/", "http://page").pathname;
    if (path === "/") {
      response.writeHead(200, { "content-type": "text/html" }).end(PAGE_HTML);
    } else if (path === "/calls.mjs") {
      response.writeHead(200, { "content-type": "text/javascript" }).end(await readFile(CALLS));
    } else if (path === "/api/gloo-token") {
      // The README's server route: the secret stays here, the page gets a short-lived token.
      const token = await new Gloo({ baseURL: tokenBase(), ...CREDENTIALS }).auth.getToken();
      response
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ accessToken: token.accessToken, expiresAt: token.expiresAt }));
    } else if (path.startsWith("/sdk/") && !path.includes("..") && extname(path) === ".js") {
      const body = await readFile(new URL(path.slice("/sdk/".length), SDK_DIST)).catch(() => undefined);
      if (body === undefined) response.writeHead(404).end();
      else response.writeHead(200, { "content-type": "text/javascript" }).end(body);
    } else {
      response.writeHead(404).end();
    }
  });
}

beforeAll(async () => {
  site = pageServer(() => allowed.url);
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  const gloo = (argv: string[]) =>
    startServer(process.execPath, [GLOO_BIN, "emulator", "--port", "0", ...argv], { cwd: ROOT });
  [allowed, refused] = await Promise.all([gloo(["--cors", origin]), gloo(["--verbose"])]);
  // Chromium's sandbox cannot start as root (containers, CI); elsewhere it stays on.
  const args = process.getuid?.() === 0 ? ["--no-sandbox"] : [];
  browser = await chromium.launch({ executablePath: CHROMIUM, args });
  page = await browser.newPage();
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => document.title === "ready");
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([allowed?.stop(), refused?.stop()]);
  await new Promise((resolve) => site?.close(resolve));
});

type Outcome = {
  json?: string;
  stream?: string;
  requestId?: string | undefined;
  error?: { name: string; message: string };
};

/** One JSON and one streamed v2 call from the page to `base`, tokens from the page's server route. */
function callFromPage(base: string): Promise<Outcome> {
  return page.evaluate(async (baseURL) => {
    const { sdk, jsonAndStream } = window as unknown as {
      sdk: typeof import("@gloo-toolkit/sdk");
      jsonAndStream: (gloo: InstanceType<typeof sdk.Gloo>) => Promise<Outcome>;
    };
    const gloo = new sdk.Gloo({
      baseURL,
      tokenProvider: async () => (await fetch("/api/gloo-token")).json(),
    });
    try {
      return await jsonAndStream(gloo);
    } catch (error) {
      return { error: { name: (error as Error).name, message: (error as Error).message } };
    }
  }, base);
}

describe("the SDK in Chromium", { timeout: 120_000 }, () => {
  it("runs in a real browser, not in Node", async () => {
    expect(await browser.version()).toMatch(/^\d+\./);
    expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe("undefined");
  });

  it("makes a JSON and a streamed v2 call to gloo emulator --cors <the page's origin>", async () => {
    const outcome = await callFromPage(allowed.url);
    expect(outcome.error).toBeUndefined();
    // The request id is readable only because the emulator exposes x-request-id to the page.
    expect(outcome).toEqual({ json: "JSON-OK", stream: "STREAM-OK", requestId: expect.stringMatching(/\S/) });
  });

  it("without --cors, the error names CORS and the call is not retried", async () => {
    const outcome = await callFromPage(refused.url);
    expect(outcome.error?.name).toBe("CORSError");
    expect(outcome.error?.message).toContain("CORS");
    expect(outcome.error?.message).toContain(`--cors ${origin}`);
    // --verbose logs each request: one refused preflight, no retries behind it.
    const preflights = refused.stderr().match(/^OPTIONS \/ai\/v2\/chat\/completions 405 /gm) ?? [];
    expect(preflights).toHaveLength(1);
  });

  it("refuses a client secret on the page unless dangerouslyAllowBrowser", async () => {
    const outcome = await page.evaluate((credentials) => {
      const { Gloo } = (window as unknown as { sdk: typeof import("@gloo-toolkit/sdk") }).sdk;
      let refusal = "";
      try {
        new Gloo(credentials);
      } catch (error) {
        refusal = (error as Error).message;
      }
      const allowedClient = new Gloo({ ...credentials, dangerouslyAllowBrowser: true });
      return { refusal, allowed: allowedClient instanceof Gloo };
    }, CREDENTIALS);
    expect(outcome.refusal).toMatch(/browser.*tokenProvider/);
    expect(outcome.refusal).not.toContain(CREDENTIALS.clientSecret);
    expect(outcome.allowed).toBe(true);
  });
});
