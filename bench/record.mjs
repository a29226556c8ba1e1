// What recording costs the caller: the SDK with its default fetch versus with recordingFetch(FILE),
// against the same emulator (in its own process), in the same run, alternating in blocks so the
// machine's other work falls on both alike.
//  1. JSON completions, sequential: latency per request and the client process's CPU per request.
//  2. Streams paced by the emulator (5 ms between chunks): time to the first chunk and to the end,
//     and how far the recorded arrival times (atMs) are from when the caller saw each chunk.
//  3. The whole-file rewrite after each exchange: its size and time once the cassette is large.
// No target from the issue; the baseline is the same client without recording.
//
// Run: npx tsc -b && node bench/record.mjs        Options: --quick (short runs, no docs update).
import { fork } from "node:child_process";
import { mkdtemp, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { loadLine, machineLine, writeSection } from "./lib/report.mjs";

const quick = process.argv.includes("--quick");
const JSON_REQUESTS = quick ? 200 : 2000;
const STREAMS = quick ? 20 : 200;
const BLOCK = 50;
const CHUNK_DELAY_MS = 5;
const MODEL = "us.meta.llama3-3-70b-instruct-v1:0";

if (process.argv[2] === "--serve") {
  const { createEmulator, serve } = await import("../packages/servers/dist/index.js");
  const server = await serve(createEmulator({ seed: 1, tokenDelayMs: CHUNK_DELAY_MS }).fetch, { port: 0 });
  process.on("disconnect", () => process.exit(0));
  process.send?.({ url: server.url });
} else {
  await main();
}

async function main() {
  const { Gloo } = await import("../packages/sdk/dist/index.js");
  const { formatCassette, recordingFetch } = await import("../packages/servers/dist/index.js");
  const child = fork(new URL(import.meta.url), ["--serve"]);
  const { url } = await new Promise((resolve) => child.once("message", resolve));
  const dir = await mkdtemp(join(tmpdir(), "gloo-bench-record-"));
  const file = join(dir, "bench.json");
  const recording = recordingFetch(file);
  const options = { clientId: "emulator-client", clientSecret: "emulator-secret", baseURL: url };
  const clients = { direct: new Gloo(options), recording: new Gloo({ ...options, fetch: recording }) };

  const json = { direct: { ms: [], cpu: 0 }, recording: { ms: [], cpu: 0 } };
  const body = (n) => ({
    model: MODEL,
    max_tokens: 16,
    messages: [{ role: "user", content: `Reply with only: b${n}` }],
  });
  for (let done = 0; done < JSON_REQUESTS; done += BLOCK) {
    for (const name of ["direct", "recording"]) {
      const cpu = process.cpuUsage();
      for (let i = 0; i < BLOCK; i++) {
        const start = performance.now();
        await clients[name].chat.completions.create(body(done + i));
        json[name].ms.push(performance.now() - start);
      }
      const used = process.cpuUsage(cpu);
      json[name].cpu += used.user + used.system;
    }
  }

  const streams = { direct: { first: [], total: [] }, recording: { first: [], total: [] } };
  const drift = [];
  const prompt = {
    model: MODEL,
    max_tokens: 40,
    messages: [{ role: "user", content: "Tell me about rivers" }],
  };
  for (let i = 0; i < STREAMS; i++) {
    for (const name of ["direct", "recording"]) {
      const start = performance.now();
      const response = await clients[name].fetch(`${url}/ai/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...prompt, stream: true }),
      });
      const headersAt = performance.now();
      const seen = [];
      const reader = response.body.getReader();
      for (;;) {
        const { done } = await reader.read();
        if (done) break;
        seen.push(performance.now() - headersAt);
        if (seen.length === 1) streams[name].first.push(performance.now() - start);
      }
      streams[name].total.push(performance.now() - start);
      if (name === "recording") {
        await recording.flush();
        const frames = recording.cassette.interactions.at(-1).response.frames;
        // One chunk per frame from the emulator: compare each frame's atMs with the caller's clock.
        if (frames.length === seen.length)
          for (const [k, frame] of frames.entries()) drift.push(Math.abs(frame.atMs - seen[k]));
      }
    }
  }
  await recording.flush();

  const cassette = recording.cassette;
  const writeStart = performance.now();
  const temporary = join(dir, "rewrite.tmp");
  await writeFile(temporary, formatCassette(cassette));
  await rename(temporary, join(dir, "rewrite.json"));
  const writeMs = performance.now() - writeStart;
  const size = (await stat(file)).size;
  child.disconnect();
  await rm(dir, { recursive: true, force: true });

  const q = (values, p) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  };
  const ms = (value) => `${value.toFixed(3)} ms`;
  const added = (p) => ms(q(json.recording.ms, p) - q(json.direct.ms, p));
  const cpu = (name) => (json[name].cpu / JSON_REQUESTS).toFixed(0);
  const markdown = `
## Recording (\`bench/record.mjs\`)

${machineLine()} The emulator in its own process; the SDK in the benchmark's process, once with its
default fetch (baseline) and once with \`recordingFetch(FILE)\`, alternating in blocks of ${BLOCK}.
${loadLine()}

| JSON completions (sequential, ${JSON_REQUESTS} each) | default fetch | recordingFetch | added |
| --- | --- | --- | --- |
| median | ${ms(q(json.direct.ms, 50))} | ${ms(q(json.recording.ms, 50))} | **${added(50)}** |
| p90 | ${ms(q(json.direct.ms, 90))} | ${ms(q(json.recording.ms, 90))} | ${added(90)} |
| client CPU per request | ${cpu("direct")} µs | ${cpu("recording")} µs | ${(json.recording.cpu / json.direct.cpu).toFixed(2)}× |

| streams (${STREAMS} each, ${CHUNK_DELAY_MS} ms between chunks) | default fetch | recordingFetch |
| --- | --- | --- |
| first chunk, median | ${ms(q(streams.direct.first, 50))} | ${ms(q(streams.recording.first, 50))} |
| whole stream, median | ${ms(q(streams.direct.total, 50))} | ${ms(q(streams.recording.total, 50))} |

Recorded arrival times against the caller's own clock (${drift.length} frames): median difference
${ms(q(drift, 50))}, p99 ${ms(q(drift, 99))}; frames are recorded as the caller reads them.

The cassette is rewritten whole after each exchange (writes do not overlap; exchanges that end
during a write go into the next): at the end of this run it held ${cassette.interactions.length}
interactions, ${(size / 2 ** 20).toFixed(1)} MiB; formatting all of it from scratch and writing it took ${ms(writeMs)}
(the recorder formats and encodes each interaction once, and a rewrite is a vectored write of
those parts; the client CPU above includes these writes, whose size grows with the cassette).
`;
  console.log(markdown);
  if (!quick) await writeSection("record", markdown);
}
