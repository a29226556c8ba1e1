// Emulator throughput and stream capacity, against a named baseline in the same run.
//  1. Non-stream completions per second: the emulator (createEmulator + serve) versus a bare
//     `node:http` server answering the same JSON body it would send. autocannon, keep-alive.
//     Target: the emulator at ≥ 50 % of the bare server. Each server's CPU time per request is
//     reported too: on a shared machine it is steadier than req/s.
//  2. 1,000 concurrent SSE streams at a 20 ms token interval, 30 tokens each (max_tokens 30):
//     errors, wall time, and the emulator process's peak RSS (sampled every 20 ms).
// A third server isolates the binding's share: `serve` with a trivial fetch handler, once with the
// real undici classes (serve's default) and once with `overrideGlobalObjects`, as the CLI serves.
// The emulator runs with `overrideGlobalObjects` as `gloo emulator` does, and once more without.
// Each server runs in its own child process (this file with `--child`), so neither shares the
// load generator's event loop. Run `npx tsc -b` first: this imports the built packages.
// Environment: DURATION (s per throughput run, default 8), ROUNDS (alternations, default 3),
// CONNECTIONS (default 32), STREAMS (default 1000).
import { fork } from "node:child_process";
import { once } from "node:events";
import { createServer, request } from "node:http";
import autocannon from "autocannon";
import { loadLine, machineLine, ratio, writeSection } from "./lib/report.mjs";

const DURATION = Number(process.env.DURATION ?? 8);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.CONNECTIONS ?? 32);
const STREAMS = Number(process.env.STREAMS ?? 1000);
const TOKEN_DELAY_MS = 20;
const BODY = JSON.stringify({
  model: "us.meta.llama3-3-70b-instruct-v1:0",
  messages: [{ role: "user", content: "Explain the seven seals in two concise sentences." }],
  max_tokens: 256,
  temperature: 0,
});

if (process.argv.includes("--child")) await child(process.argv.at(-1));
else await parent();

// ---- child: one server per process -------------------------------------------------------
async function child(kind) {
  const { createEmulator, serve } = await import("../packages/servers/dist/index.js");
  let peak = process.memoryUsage().rss;
  let cpu = process.cpuUsage();
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  let close;
  if (kind === "bare") {
    // The same body the emulator sends, fixed: the floor of what node:http can do.
    const emulator = createEmulator({ seed: 1 });
    const text = await (await completion(emulator.fetch, await token(emulator.fetch))).text();
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json", "x-request-id": crypto.randomUUID() });
        res.end(text);
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    process.send({ url: `http://127.0.0.1:${server.address().port}`, token: "none" });
    close = () => new Promise((resolve) => server.close(resolve));
  } else if (kind.startsWith("serve")) {
    // `serve` with a handler that only reads the body and answers the same JSON: what the
    // fetch-handler binding itself costs, before any emulator logic.
    const emulator = createEmulator({ seed: 1 });
    const text = await (await completion(emulator.fetch, await token(emulator.fetch))).text();
    const server = await serve(
      async (request) => {
        await request.arrayBuffer();
        return new Response(text, {
          headers: { "content-type": "application/json", "x-request-id": crypto.randomUUID() },
        });
      },
      { overrideGlobalObjects: kind === "serve-fast" },
    );
    process.send({ url: server.url, token: "none" });
    close = () => server.close();
  } else {
    const emulator = createEmulator({ seed: 1, tokenDelayMs: kind === "streams" ? TOKEN_DELAY_MS : 0 });
    // As `gloo emulator` serves it, with serve's faster globals; `emulator-plain` with the real
    // undici classes, as a library embedding the emulator gets by default.
    const server = await serve(emulator.fetch, { port: 0, overrideGlobalObjects: kind !== "emulator-plain" });
    process.send({ url: server.url, token: await token(emulator.fetch) });
    close = () => server.close();
  }
  process.on("message", async (message) => {
    if (message === "reset-peak") peak = process.memoryUsage().rss;
    if (message === "mark") cpu = process.cpuUsage();
    if (message === "stop") {
      clearInterval(sampler);
      await close();
      const used = process.cpuUsage(cpu);
      process.send({ peakRss: peak, cpuMicros: used.user + used.system });
      process.disconnect();
    }
  });
}

async function token(fetchHandler) {
  const response = await fetchHandler(
    new Request("http://x/oauth2/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials&client_id=emulator-client&client_secret=emulator-secret",
    }),
  );
  return (await response.json()).access_token;
}

function completion(fetchHandler, bearer) {
  return fetchHandler(
    new Request("http://x/ai/v1/chat/completions", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
      body: BODY,
    }),
  );
}

// ---- parent: load generator -------------------------------------------------------------
async function startChild(kind) {
  const proc = fork(new URL(import.meta.url), ["--child", kind], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const [info] = await once(proc, "message");
  return {
    ...info,
    message: (m) => proc.send(m),
    async stop() {
      proc.send("stop");
      const [result] = await once(proc, "message");
      await once(proc, "exit");
      return result;
    },
  };
}

// `distinct`: every request carries a prompt of its own, so the emulator's temperature-0 answer
// cache (keyed by the exact body) never hits and each request pays the whole model path.
async function throughput(kind, distinct = false) {
  const server = await startChild(kind);
  let counter = 0;
  const options = {
    url: `${server.url}/ai/v1/chat/completions`,
    method: "POST",
    connections: CONNECTIONS,
    headers: { "content-type": "application/json", authorization: `Bearer ${server.token}` },
    body: BODY,
    ...(distinct
      ? { requests: [{ setupRequest: (req) => ({ ...req, body: distinctBody(++counter) }) }] }
      : {}),
  };
  await autocannon({ ...options, duration: 2 }); // warm-up
  server.message("mark");
  const result = await autocannon({ ...options, duration: DURATION });
  const { cpuMicros } = await server.stop();
  const bad = result.errors + result.timeouts + result.non2xx;
  // CPU per request is steadier than req/s on a shared machine: it does not depend on how much
  // of a core the server got, only on the work each request costs.
  const cpu = cpuMicros / result.requests.total;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, bad, cpu };
}

function distinctBody(n) {
  return BODY.replace("two concise sentences.", `two concise sentences. (request ${n})`);
}

function oneStream(url, bearer) {
  const body = JSON.stringify({
    messages: [{ role: "user", content: "Explain the parables in detail." }],
    stream: true,
    max_tokens: 30,
    temperature: 0,
  });
  return new Promise((resolve) => {
    const req = request(
      `${url}/ai/v1/chat/completions`,
      {
        method: "POST",
        agent: false,
        headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          text += chunk;
        });
        res.on("end", () => {
          const events = text.split("\n\n").filter((e) => e.startsWith("data: "));
          const last = events.length > 0 ? JSON.parse(events.at(-1).slice(6)) : undefined;
          const ok = res.statusCode === 200 && last?.choices?.[0]?.finish_reason === "length";
          resolve({ ok, chunks: events.length });
        });
        res.on("error", () => resolve({ ok: false, chunks: 0 }));
      },
    );
    req.on("error", () => resolve({ ok: false, chunks: 0 }));
    req.end(body);
  });
}

async function streams() {
  const server = await startChild("streams");
  server.message("reset-peak");
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: STREAMS }, () => oneStream(server.url, server.token)),
  );
  const wall = performance.now() - started;
  const { peakRss } = await server.stop();
  const failed = results.filter((r) => !r.ok).length;
  return { wall, failed, chunks: results[0]?.chunks ?? 0, peakMiB: peakRss / 2 ** 20 };
}

async function parent() {
  // Alternate the two servers ROUNDS times and keep each one's median run, so a noisy neighbour
  // on the shared machine skews both alike.
  const runs = { bare: [], serve: [], "serve-fast": [], emulator: [], distinct: [], "emulator-plain": [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of Object.keys(runs)) {
      runs[kind].push(await (kind === "distinct" ? throughput("emulator", true) : throughput(kind)));
    }
  }
  const median = (list) => [...list].sort((a, b) => a.rps - b.rps)[Math.floor(list.length / 2)];
  const bare = median(runs.bare);
  const binding = median(runs.serve);
  const fastBinding = median(runs["serve-fast"]);
  const emulated = median(runs.emulator);
  const plainEmulated = median(runs["emulator-plain"]);
  const uncached = median(runs.distinct);
  const stream = await streams();
  const row = (name, r) => [
    name,
    String(Math.round(r.rps)),
    ratio(r.rps, bare.rps),
    r.cpu.toFixed(1),
    ratio(bare.cpu, r.cpu),
    String(r.p50),
    String(r.p99),
    String(r.bad),
  ];
  const markdown = [
    "## Emulator",
    "",
    `Non-stream \`POST /ai/v1/chat/completions\` (autocannon, ${CONNECTIONS} keep-alive connections, ${DURATION} s after a 2 s warm-up; the servers alternated ${ROUNDS} times, median run shown), each server in its own process. Baseline: a bare \`node:http\` server answering the same completion JSON. Target: the emulator at ≥ 50 % of the baseline. ${machineLine()}`,
    "",
    ...table(
      [
        "server",
        "req/s",
        "req/s vs baseline",
        "CPU µs/req",
        "CPU efficiency vs baseline",
        "p50 ms",
        "p99 ms",
        "errors",
      ],
      [
        row("bare `node:http` (baseline)", bare),
        row("`serve` + a handler returning `new Response(json)`", binding),
        row("the same, `serve` with `overrideGlobalObjects`", fastBinding),
        row("emulator, the same body resent (answer cache hits)", emulated),
        row("emulator, a distinct prompt per request (no cache)", uncached),
        row("emulator, the same body resent, real undici classes", plainEmulated),
      ],
    ),
    "",
    `Verdict: served as \`gloo emulator\` serves it (\`serve\` with \`overrideGlobalObjects\`), with the same body resent, as autocannon sends it, the emulator runs at ${ratio(emulated.rps, bare.rps)} of the baseline (target ≥ 0.50×: ${emulated.rps >= bare.rps / 2 ? "met" : "missed"}); that path is served from the emulator's bounded temperature-0 answer cache (auth, faults and fresh ids still run per request). With a distinct prompt per request, so every request pays validation, routing, the model and JSON, it runs at ${ratio(uncached.rps, bare.rps)} (${uncached.rps >= bare.rps / 2 ? "met" : "missed"}). A minimal handler returning \`new Response(json)\` costs ${fastBinding.cpu.toFixed(1)} µs of CPU per request through \`serve\` with \`overrideGlobalObjects\` and ${binding.cpu.toFixed(1)} µs with serve's default, the real undici classes, against ${bare.cpu.toFixed(1)} µs for the bare server: on Node ${process.versions.node} the real \`Request\` handed to the handler and the handler's \`Response\` each carry a web body stream, which the fast classes build only when something asks for one (the emulator on the real classes: ${ratio(plainEmulated.rps, bare.rps)}). ${loadLine()}`,
    "",
    `Streams: ${STREAMS} concurrent SSE completions, ${TOKEN_DELAY_MS} ms between chunks, 30 tokens each (${stream.chunks} events per stream with the role and finish chunks): ${stream.failed} failed, all done in ${(stream.wall / 1000).toFixed(2)} s (ideal ${((stream.chunks * TOKEN_DELAY_MS) / 1000).toFixed(2)} s); emulator process peak RSS ${stream.peakMiB.toFixed(0)} MiB.`,
  ].join("\n");
  console.log(markdown);
  await writeSection("emulator", markdown);
}

// A Markdown table laid out the way the repository's formatter (Biome) writes it, so the
// generated section passes `npm run lint`: first column left-aligned, the others right-aligned.
function table(header, rows) {
  const width = (text) => [...text].length;
  const widths = header.map((_, i) => Math.max(width(header[i]), ...rows.map((r) => width(r[i]))));
  const pad = (text, i) =>
    i === 0 ? text + " ".repeat(widths[i] - width(text)) : " ".repeat(widths[i] - width(text)) + text;
  const line = (cells) => `| ${cells.map(pad).join(" | ")} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? "-".repeat(w) : `${"-".repeat(w - 1)}:`)).join(" | ")} |`;
  return [line(header), rule, ...rows.map(line)];
}
