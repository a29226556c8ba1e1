// SDK overhead: the same completions fetched three ways from one local server in one run —
// raw fetch (+ JSON.parse, or a plain line-split SSE parse), the SDK, and the official `openai`
// package — reported as per-request median and p95 and as ratios to raw fetch.
//
// Run (openai 7 needs Node >= 22, so use the Node 24 that integrations/ installs):
//   npx tsc -b && integrations/node_modules/node/bin/node bench/sdk.mjs
// Options: --quick (fewer iterations, no docs update).
import { fork } from "node:child_process";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { machineLine, ratio, writeSection } from "./lib/report.mjs";

const TOKEN = `eyJhbGciOiJSUzI1NiJ9.${"b".repeat(600)}.sig`;
const STREAM_CHUNKS = 200;

if (process.argv.includes("--server")) startServer();
else await main();

// ---- The local platform (a child process, so it does not share the client's event loop) ----

function startServer() {
  const completion = Buffer.from(
    JSON.stringify({
      id: "chatcmpl-bench",
      object: "chat.completion",
      created: 1_700_000_000,
      model: "bench-model",
      choices: [
        { index: 0, message: { role: "assistant", content: "Hello from the bench." }, finish_reason: "stop" },
      ],
      usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
    }),
  );
  const chunk = (delta, finish) =>
    `data: ${JSON.stringify({
      id: "chatcmpl-bench",
      object: "chat.completion.chunk",
      created: 1_700_000_000,
      model: "bench-model",
      choices: [{ index: 0, delta, finish_reason: finish }],
    })}\n\n`;
  const events = [chunk({ role: "assistant", content: "" }, null)];
  for (let i = 1; i < STREAM_CHUNKS - 1; i++) events.push(chunk({ content: `w${i} ` }, null));
  events.push(chunk({}, "stop"), "data: [DONE]\n\n");
  const stream = Buffer.from(events.join(""));
  const token = Buffer.from(JSON.stringify({ access_token: TOKEN, token_type: "Bearer", expires_in: 3600 }));

  const server = createServer((req, res) => {
    const body = [];
    req.on("data", (part) => body.push(part));
    req.on("end", () => {
      if (req.url === "/oauth2/token") return send(res, "application/json", token);
      const streaming = Buffer.concat(body).includes('"stream":true');
      send(res, streaming ? "text/event-stream" : "application/json", streaming ? stream : completion);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => process.send?.(server.address().port));
  process.on("disconnect", () => server.close(() => process.exit(0)));
}

function send(res, type, buffer) {
  res.writeHead(200, { "content-type": type, "content-length": buffer.length, "x-request-id": "bench" });
  res.end(buffer);
}

// ---- The clients ----

async function main() {
  const quick = process.argv.includes("--quick");
  const child = fork(new URL(import.meta.url), ["--server"], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const port = await new Promise((resolve) => child.once("message", resolve));
  const base = `http://127.0.0.1:${port}`;
  try {
    const clients = await makeClients(base);
    const loadAtStart = os.loadavg()[0];
    const json = await compare(clients.json, quick ? 300 : 6000, quick ? 50 : 500);
    const streams = await compare(clients.stream, quick ? 100 : 2000, quick ? 20 : 200);
    const markdown = report(json, streams, [loadAtStart, os.loadavg()[0]]);
    console.log(markdown);
    if (!quick) await writeSection("sdk", markdown);
  } finally {
    child.disconnect();
  }
}

async function makeClients(base) {
  const { ChatCompletionStream, Gloo } = await import("../packages/sdk/dist/index.js");
  const OpenAI = await loadOpenAI();
  const gloo = new Gloo({ baseURL: base, clientId: "bench", clientSecret: "bench-secret" });
  const token = (await gloo.auth.getToken()).accessToken;
  const openai = new OpenAI({ baseURL: `${base}/ai/v1`, apiKey: token, maxRetries: 0 });
  const url = `${base}/ai/v1/chat/completions`;
  const messages = [{ role: "user", content: "Say hello." }];
  const model = "bench-model";
  const headers = {
    authorization: `Bearer ${token}`,
    "content-type": "application/json",
    accept: "application/json",
  };
  const sseHeaders = { ...headers, accept: "text/event-stream" };
  return {
    json: {
      "raw fetch + JSON.parse": async () => {
        const response = await fetch(url, {
          method: "POST",
          headers,
          body: JSON.stringify({ model, messages }),
        });
        return JSON.parse(await response.text());
      },
      "@gloo-toolkit/sdk": () => gloo.chat.completions.create({ model, messages }),
      "openai 7": () => openai.chat.completions.create({ model, messages }),
      // Attribution: what a timeout alone costs raw fetch (undici's AbortSignal bookkeeping).
      "raw fetch + JSON.parse, with a timeout signal": async () => {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), 600_000);
        try {
          const body = JSON.stringify({ model, messages });
          const response = await fetch(url, { method: "POST", headers, body, signal: controller.signal });
          return JSON.parse(await response.text());
        } finally {
          clearTimeout(timer);
        }
      },
    },
    stream: {
      "raw fetch + line-split SSE": async () => {
        const body = JSON.stringify({ model, messages, stream: true });
        const response = await fetch(url, { method: "POST", headers: sseHeaders, body });
        return countRawChunks(response);
      },
      "@gloo-toolkit/sdk": async () => {
        let count = 0;
        for await (const _ of await gloo.chat.completions.create({ model, messages, stream: true })) count++;
        return count;
      },
      "openai 7": async () => {
        let count = 0;
        for await (const _ of await openai.chat.completions.create({ model, messages, stream: true }))
          count++;
        return count;
      },
      // The same stream read for its assembled completion, as `gloo chat` does, instead of chunk by chunk.
      "@gloo-toolkit/sdk, finalCompletion()": async () => {
        const stream = await gloo.chat.completions.create({ model, messages, stream: true });
        return (await stream.finalCompletion()).choices.length;
      },
      // Attribution: the SDK's stream class fed by a bare fetch, without the request pipeline.
      "ChatCompletionStream on raw fetch": async () => {
        const controller = new AbortController();
        const body = JSON.stringify({ model, messages, stream: true });
        const response = await fetch(url, {
          method: "POST",
          headers: sseHeaders,
          body,
          signal: controller.signal,
        });
        let count = 0;
        for await (const _ of new ChatCompletionStream(response, { controller })) count++;
        return count;
      },
    },
  };
}

// openai lives in integrations/node_modules (a separate npm project with Node 24).
async function loadOpenAI() {
  const require = createRequire(new URL("../integrations/package.json", import.meta.url));
  const module = await import(require.resolve("openai"));
  return module.default ?? module.OpenAI;
}

// The plainest correct SSE read: split on newlines, JSON.parse every `data:` line until [DONE].
async function countRawChunks(response) {
  const decoder = new TextDecoder();
  let buffered = "";
  let count = 0;
  for await (const bytes of response.body) {
    buffered += decoder.decode(bytes, { stream: true });
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.startsWith("data: ")) continue;
      const data = line.slice(6);
      if (data === "[DONE]") return count;
      JSON.parse(data);
      count++;
    }
  }
  return count;
}

// ---- Measuring ----

// Runs the contenders in interleaved rounds so machine load drifts affect all of them alike.
async function compare(contenders, iterations, warmup) {
  const names = Object.keys(contenders);
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (const name of names) for (let i = 0; i < warmup; i++) await contenders[name]();
  const round = 50;
  for (let done = 0; done < iterations; done += round) {
    for (const name of names) {
      for (let i = 0; i < round; i++) {
        const start = performance.now();
        await contenders[name]();
        samples[name].push(performance.now() - start);
      }
    }
  }
  return names.map((name) => ({ name, ...summarise(samples[name]) }));
}

function summarise(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { n: sorted.length, median: at(0.5), p95: at(0.95) };
}

function table(title, rows, target) {
  const [baseline] = rows;
  const cells = rows.map((row) => [
    row.name,
    `${row.median.toFixed(3)} ms`,
    `${row.p95.toFixed(3)} ms`,
    ratio(row.median, baseline.median),
    ratio(row.p95, baseline.p95),
  ]);
  const sdk = rows[1].median / baseline.median;
  return [
    `**${title}**`,
    "",
    markdownTable(["client", "median", "p95", "median vs raw", "p95 vs raw"], cells),
    "",
    `Target: SDK within ${target.toFixed(2)}× of raw (median): ${sdk <= target ? "met" : "**missed**"} (${ratio(rows[1].median, baseline.median)}).`,
  ].join("\n");
}

// Padded the way Biome formats Markdown tables (first column left-aligned, the rest right-aligned),
// so the generated file passes `npm run lint`.
function markdownTable(header, rows) {
  const widths = header.map((_, i) => Math.max(header[i].length, ...rows.map((row) => row[i].length)));
  const line = (cells) =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(" | ")} |`;
  const rule = `| ${widths.map((width, i) => (i === 0 ? "-".repeat(width) : `${"-".repeat(width - 1)}:`)).join(" | ")} |`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

function report(json, streams, load) {
  return [
    "## SDK overhead (`bench/sdk.mjs`)",
    "",
    "Run: `npx tsc -b && integrations/node_modules/node/bin/node bench/sdk.mjs` (openai 7 needs Node ≥ 22).",
    machineLine(),
    `One local node:http server (in a child process) answers a small JSON completion and a ${STREAM_CHUNKS}-chunk SSE stream; the clients take turns in rounds of 50 sequential requests, after warm-up, over keep-alive connections. The SDK's token is cached (fetched once before timing).`,
    `The machine was shared with other work during the run (1-minute load average ${load.map((value) => value.toFixed(1)).join(" at the start, ")} at the end): absolute times are noisy; the interleaved rounds keep the ratios comparable.`,
    "",
    table(`JSON completion (${json[0].n} requests each)`, json, 1.1),
    "",
    table(
      `Stream of ${STREAM_CHUNKS} chunks, read to the end (${streams[0].n} requests each)`,
      streams,
      1.15,
    ),
  ].join("\n");
}
