// Proxy overhead: the emulator called directly versus through `gloo proxy`, in the same run.
//  1. Added latency: sequential keep-alive requests, alternating direct and proxied, timed one by
//     one (autocannon reports whole milliseconds, too coarse for a sub-millisecond target).
//  2. Throughput: autocannon, 32 connections, JSON completions, direct then proxied; once with an
//     instant emulator (CPU-bound: the proxy does two HTTP hops of work for the emulator's one, on
//     the same cores) and once with 50 ms of upstream latency, still far below a real model's.
//  3. Soak: 200 concurrent streaming completions through the proxy for 60 s; errors, and the proxy
//     process's memory at the start and the end (after a GC).
// The emulator and the proxy each run in their own child process, so neither shares the load
// generator's event loop. Targets (issue 10): ≤ 0.5 ms added at the median (1 connection);
// ≥ 95 % of direct throughput behind the 50 ms upstream; proxy CPU per request ≤ 1.5× the
// minimal node pass-through's, measured in the same run; 0 soak errors. LiteLLM publishes
// 3.25 ms of added latency (docs.litellm.ai/docs/proxy/perf). The instant-upstream throughput
// share is reported without a target: on 2 shared cores it measures the machine more than the proxy.
//
// Run: npx tsc -b && node bench/proxy.mjs        Options: --quick (short runs, no docs update).
import { fork } from "node:child_process";
import { Agent, createServer, request } from "node:http";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import { loadLine, machineLine, ratio, writeSection } from "./lib/report.mjs";

const quick = process.argv.includes("--quick");
const LATENCY_SAMPLES = quick ? 300 : 3000;
const THROUGHPUT_SECONDS = quick ? 3 : 10;
const CPU_ROUNDS = quick ? 1 : 3;
const SOAK_SECONDS = quick ? 5 : 60;
const SOAK_STREAMS = 200;
const SOAK_TOKEN_DELAY_MS = 10;
const UPSTREAM_LATENCY_MS = 50;
const CLIENT = { id: "emulator-client", secret: "emulator-secret" };
const BODY = JSON.stringify({
  model: "us.meta.llama3-3-70b-instruct-v1:0",
  max_tokens: 16,
  messages: [{ role: "user", content: "Reply with only: bench" }],
});

// ---- Child processes: the emulator, and the proxy in front of it ----

// The floor for any node proxy: node:http in, node:http out over a keep-alive agent, a fixed
// token, no routing, checks, metrics or header filtering. Whatever it costs, every node proxy pays.
function servePassThrough(arg) {
  const [upstreamUrl, token] = arg.split(" ");
  const agent = new Agent({ keepAlive: true, maxFreeSockets: 256 });
  const server = createServer((req, res) => {
    const parts = [];
    req.on("data", (part) => parts.push(part));
    req.on("end", () => {
      const body = Buffer.concat(parts);
      const headers = {
        "content-type": "application/json",
        "content-length": body.length,
        authorization: `Bearer ${token}`,
      };
      const upstream = request(
        `${upstreamUrl}/ai/v1/chat/completions`,
        { method: "POST", agent, headers },
        (answer) => {
          res.writeHead(answer.statusCode, { "content-type": answer.headers["content-type"] });
          answer.pipe(res);
        },
      );
      upstream.end(body);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${server.address().port}` })),
  );
}

async function serveRole(role, arg) {
  const { createEmulator, createHttpFetch, createProxy, serve } = await import(
    "../packages/servers/dist/index.js"
  );
  const { Gloo } = await import("../packages/sdk/dist/index.js");
  let handler;
  let server;
  if (role === "passthrough") server = await servePassThrough(arg);
  else if (role === "emulator") {
    const [latencyMs, tokenDelayMs] = arg.split(",").map(Number);
    handler = createEmulator({ latencyMs, tokenDelayMs, seed: 1 }).fetch;
  } else {
    // As `gloo proxy` does: the upstream hop over node:http (see createHttpFetch).
    const gloo = new Gloo({
      clientId: CLIENT.id,
      clientSecret: CLIENT.secret,
      baseURL: arg,
      fetch: createHttpFetch(),
    });
    handler = createProxy({ gloo }).fetch;
  }
  // As `gloo proxy` and `gloo emulator` serve: with serve's faster global Request and Response.
  server ??= await serve(handler, { port: 0, overrideGlobalObjects: true });
  process.on("message", (message) => {
    if (message === "cpu") process.send?.({ cpu: process.cpuUsage() });
    if (message !== "memory") return;
    globalThis.gc?.();
    process.send?.({ memory: process.memoryUsage() });
  });
  // Exit with the parent, even when it crashes.
  process.on("disconnect", () => process.exit(0));
  process.send?.({ url: server.url });
}

function start(role, arg) {
  const child = fork(new URL(import.meta.url), ["--serve", role, String(arg)], { execArgv: ["--expose-gc"] });
  const next = () => new Promise((resolve) => child.once("message", resolve));
  return next().then(({ url }) => ({
    url,
    memory: () => {
      const reply = next();
      child.send("memory");
      return reply.then(({ memory }) => memory);
    },
    /** CPU time used so far (user + system), in microseconds. */
    cpu: () => {
      const reply = next();
      child.send("cpu");
      return reply.then(({ cpu }) => cpu.user + cpu.system);
    },
    stop: () => child.kill(),
  }));
}

// ---- Measurements ----

async function tokenFor(base) {
  const response = await fetch(`${base}/oauth2/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${btoa(`${CLIENT.id}:${CLIENT.secret}`)}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: "grant_type=client_credentials&scope=api/access",
  });
  return (await response.json()).access_token;
}

function post(agent, url, headers) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { method: "POST", agent, headers }, (res) => {
      res.resume();
      res.on("end", () =>
        res.statusCode === 200
          ? resolve(performance.now() - started)
          : reject(new Error(`HTTP ${res.statusCode}`)),
      );
    });
    req.on("error", reject);
    req.end(BODY);
  });
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function latency(targets) {
  const agents = targets.map(() => new Agent({ keepAlive: true, maxSockets: 1 }));
  const samples = targets.map(() => []);
  for (let i = 0; i < LATENCY_SAMPLES + 100; i++) {
    for (const [t, target] of targets.entries()) {
      const ms = await post(agents[t], target.url, target.headers);
      if (i >= 100) samples[t].push(ms); // the first 100 warm up JIT and connections
    }
  }
  for (const agent of agents) agent.destroy();
  return samples.map((list) => {
    const sorted = list.sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99) };
  });
}

// `processes`: the children whose CPU time per request is reported (what bounds req/s on 2 cores).
async function throughput(target, processes = []) {
  const before = await Promise.all(processes.map((child) => child.cpu()));
  const result = await autocannon({
    url: target.url,
    method: "POST",
    headers: { "content-type": "application/json", ...target.headers },
    body: BODY,
    connections: 32,
    duration: THROUGHPUT_SECONDS,
  });
  const after = await Promise.all(processes.map((child) => child.cpu()));
  return {
    cpuPerRequest: after.map((used, i) => (used - (before[i] ?? 0)) / result.requests.total),
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

async function soak(proxyUrl) {
  const body = JSON.stringify({ ...JSON.parse(BODY), stream: true, max_tokens: 32 });
  const deadline = performance.now() + SOAK_SECONDS * 1000;
  const counts = { streams: 0, errors: 0, chunks: 0, reasons: new Map() };
  const fail = (reason) => {
    counts.errors += 1;
    counts.reasons.set(reason, (counts.reasons.get(reason) ?? 0) + 1);
  };
  const worker = async () => {
    while (performance.now() < deadline) {
      try {
        const response = await fetch(`${proxyUrl}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        const text = await response.text();
        if (response.status !== 200) fail(`HTTP ${response.status}: ${text.slice(0, 200)}`);
        else if (!text.includes('"finish_reason":"')) fail("stream ended without a finish_reason");
        else {
          counts.chunks += text.split("\n\n").length - 1;
          counts.streams += 1;
        }
      } catch (error) {
        fail(`client: ${error.message}${error.cause?.code ? ` (${error.cause.code})` : ""}`);
      }
    }
  };
  await Promise.all(Array.from({ length: SOAK_STREAMS }, worker));
  return counts;
}

// ---- Report ----

const ms = (value) => `${value.toFixed(3)} ms`;
const us = (value) => (value ?? Number.NaN).toFixed(0);
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

async function main() {
  const emulator = await start("emulator", "0,0");
  const proxy = await start("proxy", emulator.url);
  const token = await tokenFor(emulator.url);
  const direct = {
    url: `${emulator.url}/ai/v1/chat/completions`,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
  };
  const proxied = {
    url: `${proxy.url}/v1/chat/completions`,
    headers: { "content-type": "application/json" },
  };

  const [latDirect, latProxy] = await latency([direct, proxied]);
  const added = latProxy.p50 - latDirect.p50;
  console.log(`latency p50 direct ${ms(latDirect.p50)}, proxied ${ms(latProxy.p50)}, added ${ms(added)}`);
  const passThrough = await start("passthrough", `${emulator.url} ${token}`);
  const tpDirect = await throughput(direct, [emulator]);
  // The pass-through and the proxy take turns, CPU_ROUNDS times: the median round by CPU ratio is
  // reported, and every round's ratio is listed, so one round disturbed by other work cannot
  // decide the verdict either way.
  const rounds = [];
  for (let round = 0; round < CPU_ROUNDS; round++) {
    const floor = await throughput({ url: passThrough.url, headers: {} }, [passThrough, emulator]);
    const through = await throughput(proxied, [proxy, emulator]);
    rounds.push({ floor, through, cpuRatio: through.cpuPerRequest[0] / floor.cpuPerRequest[0] });
  }
  rounds.sort((a, b) => a.cpuRatio - b.cpuRatio);
  const median = rounds[Math.floor(rounds.length / 2)];
  const tpFloor = median.floor;
  const tpProxy = median.through;
  const cpuRatios = rounds.map((round) => `${round.cpuRatio.toFixed(2)}×`);
  console.log(`proxy / pass-through CPU per request, by round: ${cpuRatios.join(", ")}`);
  console.log(
    `throughput direct ${tpDirect.rps.toFixed(0)} req/s, pass-through ${tpFloor.rps.toFixed(0)} req/s, proxied ${tpProxy.rps.toFixed(0)} req/s`,
  );
  passThrough.stop();
  proxy.stop();
  emulator.stop();

  const slowUpstream = await start("emulator", `${UPSTREAM_LATENCY_MS},0`);
  const slowProxy = await start("proxy", slowUpstream.url);
  const slowToken = await tokenFor(slowUpstream.url);
  const tpSlowDirect = await throughput({
    ...direct,
    url: `${slowUpstream.url}/ai/v1/chat/completions`,
    headers: { ...direct.headers, authorization: `Bearer ${slowToken}` },
  });
  const tpSlowProxy = await throughput({ ...proxied, url: `${slowProxy.url}/v1/chat/completions` });
  console.log(
    `throughput (${UPSTREAM_LATENCY_MS} ms upstream) direct ${tpSlowDirect.rps.toFixed(0)} req/s, proxied ${tpSlowProxy.rps.toFixed(0)} req/s`,
  );
  slowProxy.stop();
  slowUpstream.stop();

  const slowEmulator = await start("emulator", `0,${SOAK_TOKEN_DELAY_MS}`);
  const soakProxy = await start("proxy", slowEmulator.url);
  const before = await soakProxy.memory();
  const counts = await soak(soakProxy.url);
  const after = await soakProxy.memory();
  console.log(
    `soak: ${counts.streams} streams, ${counts.errors} errors, rss ${mib(before.rss)} -> ${mib(after.rss)}`,
  );
  for (const [reason, count] of counts.reasons) console.log(`  ${count} × ${reason}`);
  soakProxy.stop();
  slowEmulator.stop();

  const share = tpProxy.rps / tpDirect.rps;
  const slowShare = tpSlowProxy.rps / tpSlowDirect.rps;
  const latencyTable = table(
    [
      `added latency (sequential, ${LATENCY_SAMPLES} requests each)`,
      "direct",
      "through the proxy",
      "added",
      "target",
    ],
    [
      [
        "median",
        ms(latDirect.p50),
        ms(latProxy.p50),
        `**${ms(added)}**`,
        "≤ 0.5 ms (LiteLLM publishes 3.25 ms)",
      ],
      ["p90", ms(latDirect.p90), ms(latProxy.p90), ms(latProxy.p90 - latDirect.p90), ""],
      ["p99", ms(latDirect.p99), ms(latProxy.p99), ms(latProxy.p99 - latDirect.p99), ""],
    ],
  );
  const percent = (value) => `**${(value * 100).toFixed(0)} %**`;
  const throughputTable = table(
    [
      `throughput (autocannon, 32 connections, ${THROUGHPUT_SECONDS} s)`,
      "direct",
      "minimal node pass-through",
      "through the proxy",
      "proxy / direct",
      "target",
    ],
    [
      [
        "instant emulator: requests/s",
        tpDirect.rps.toFixed(0),
        `${tpFloor.rps.toFixed(0)} (${percent(tpFloor.rps / tpDirect.rps).replaceAll("*", "")} of direct)`,
        tpProxy.rps.toFixed(0),
        `${percent(share)} (${ratio(tpProxy.rps, tpDirect.rps)})`,
        "",
      ],
      [
        "instant emulator: latency p50 / p99 (whole ms)",
        `${tpDirect.p50} / ${tpDirect.p99} ms`,
        `${tpFloor.p50} / ${tpFloor.p99} ms`,
        `${tpProxy.p50} / ${tpProxy.p99} ms`,
        "",
        "",
      ],
      [
        "instant emulator: CPU per request (µs), proxy + emulator",
        `0 + ${us(tpDirect.cpuPerRequest[0])}`,
        `${us(tpFloor.cpuPerRequest[0])} + ${us(tpFloor.cpuPerRequest[1])}`,
        `${us(tpProxy.cpuPerRequest[0])} + ${us(tpProxy.cpuPerRequest[1])}`,
        `proxy / pass-through: **${ratio(tpProxy.cpuPerRequest[0], tpFloor.cpuPerRequest[0])}**`,
        "≤ 1.50×",
      ],
      [
        `${UPSTREAM_LATENCY_MS} ms upstream: requests/s`,
        tpSlowDirect.rps.toFixed(0),
        "",
        tpSlowProxy.rps.toFixed(0),
        `${percent(slowShare)} (${ratio(tpSlowProxy.rps, tpSlowDirect.rps)})`,
        "≥ 95 %",
      ],
      [
        `${UPSTREAM_LATENCY_MS} ms upstream: latency p50 / p99 (whole ms)`,
        `${tpSlowDirect.p50} / ${tpSlowDirect.p99} ms`,
        "",
        `${tpSlowProxy.p50} / ${tpSlowProxy.p99} ms`,
        "",
        "",
      ],
      [
        "errors + non-2xx (all runs)",
        String(tpDirect.errors + tpSlowDirect.errors),
        String(tpFloor.errors),
        String(tpProxy.errors + tpSlowProxy.errors),
        "",
        "",
      ],
    ],
  );
  const markdown = [
    "## Proxy (`bench/proxy.mjs`)",
    "",
    `${machineLine()} Emulator and proxy each in their own process; JSON completions on \`/v1/chat/completions\`.`,
    loadLine(),
    "Baselines in the same run: the emulator called directly (with a token), and, for throughput, a",
    "minimal node pass-through in front of the same emulator (node:http in, node:http out on a",
    "keep-alive agent, a fixed token; no routing, checks, metrics or header filtering): the floor",
    "any proxy written for node pays for its two HTTP hops.",
    "",
    ...latencyTable,
    "",
    ...throughputTable,
    "",
    "With the instant emulator all three processes (autocannon, the emulator, the proxy) compete for",
    "the same 2 cores, so proxied requests/s falls with every microsecond the proxy spends; the",
    `pass-through, which does nothing but forward, reaches ${((tpFloor.rps / tpDirect.rps) * 100).toFixed(0)} % of direct and the proxy ${((tpProxy.rps / tpFloor.rps) * 100).toFixed(0)} % of the pass-through.`,
    "The CPU per request row is the comparison that does not depend on the cores' other work: the",
    "proxy's microseconds against the pass-through's, same emulator, same run. The two took turns",
    `${CPU_ROUNDS} times; the tables show the median round (proxy / pass-through CPU by round: ${cpuRatios.join(", ")}).`,
    "Behind an upstream that takes time, as every model does, the proxy's cost stops mattering (the 50 ms row).",
    "",
    `Soak: ${SOAK_STREAMS} concurrent streaming completions through the proxy for ${SOAK_SECONDS} s (emulator pacing ${SOAK_TOKEN_DELAY_MS} ms between chunks):`,
    `**${counts.errors} errors** (target 0) in ${counts.streams} streams (${counts.chunks} SSE events); proxy process memory after a GC,`,
    `start → end: RSS ${mib(before.rss)} → ${mib(after.rss)}, heap used ${mib(before.heapUsed)} → ${mib(after.heapUsed)}.`,
    ...[...counts.reasons].map(([reason, count]) => `Errors: ${count} × ${reason}.`),
  ].join("\n");
  console.log(markdown);
  if (!quick) await writeSection("proxy", markdown);
}

// A Markdown table laid out as the repository's formatter (Biome) leaves one, so the generated
// section passes `npm run lint`: every cell padded to its column's width.
function table(header, rows) {
  const width = (text) => [...text].length;
  const widths = header.map((_, i) => Math.max(width(header[i]), ...rows.map((row) => width(row[i]))));
  const line = (cells) =>
    `| ${cells.map((cell, i) => cell + " ".repeat(widths[i] - width(cell))).join(" | ")} |`;
  return [line(header), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...rows.map(line)];
}

// Dispatch last: the helpers above are `const`s that must be initialised first.
if (process.argv[2] === "--serve") await serveRole(process.argv[3], process.argv[4]);
else await main();
