// Stream layers without HTTP: the same 200-chunk chat completion stream read four ways in one
// run, reported as per-stream median time and as ratios to a plain line-split parse.
//   baseline: split the text on "\n", JSON.parse every `data: ` line (no SSE rules, no iteration)
//   createSSEParser + JSON.parse: the WHATWG parser alone
//   ChatCompletionStream (for await): parser + typed chunks + assembly + the async iterator
//   ChatCompletionStream finalCompletion(): the same, assembling the completion
// Each body is served from memory two ways: in 16 KiB reads (one HTTP response arriving at
// once) and one event per read (a model streaming slowly).
//
// Run: npx tsc -b && node bench/sse.mjs   (--quick: fewer rounds, no docs update)
import { performance } from "node:perf_hooks";
import { ChatCompletionStream, createSSEParser } from "../packages/sdk/dist/index.js";
import { machineLine, ratio, writeSection } from "./lib/report.mjs";

const CHUNKS = 200;
const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 5 : 21;
const STREAMS_PER_ROUND = quick ? 50 : 200;

const encoder = new TextEncoder();
const events = [];
for (let i = 0; i < CHUNKS; i++) {
  const delta = i === 0 ? { role: "assistant", content: "" } : { content: `w${i} ` };
  const chunk = {
    id: "chatcmpl-bench",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: "bench-model",
    choices: [{ index: 0, delta, finish_reason: i === CHUNKS - 1 ? "stop" : null }],
  };
  events.push(encoder.encode(`data: ${JSON.stringify(chunk)}\n\n`));
}
const whole = concat(events);
const shapes = {
  "16 KiB reads": splitEvery(whole, 16_384),
  "one event per read": events,
};

const readers = {
  "line-split parse (baseline)": lineSplit,
  "createSSEParser + JSON.parse": sseParser,
  "ChatCompletionStream, for await": streamIterate,
  "ChatCompletionStream, finalCompletion()": streamFinal,
};

const results = {};
for (const [shape, pieces] of Object.entries(shapes)) results[shape] = await compare(pieces);
const markdown = report(results);
console.log(markdown);
if (!quick) await writeSection("sse", markdown);

// ---- The readers: each returns the number of chunks it saw, so none can skip work ----

async function lineSplit(pieces) {
  const decoder = new TextDecoder();
  let buffered = "";
  let count = 0;
  for await (const bytes of response(pieces).body) {
    buffered += decoder.decode(bytes, { stream: true });
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.startsWith("data: ")) continue;
      JSON.parse(line.slice(6));
      count++;
    }
  }
  return count;
}

async function sseParser(pieces) {
  let count = 0;
  const parser = createSSEParser({
    onEvent: (event) => {
      JSON.parse(event.data);
      count++;
    },
  });
  for await (const bytes of response(pieces).body) parser.feed(bytes);
  parser.end();
  return count;
}

async function streamIterate(pieces) {
  let count = 0;
  for await (const _ of openStream(pieces)) count++;
  return count;
}

async function streamFinal(pieces) {
  const completion = await openStream(pieces).finalCompletion();
  return completion.choices[0]?.message.content ? CHUNKS : 0;
}

function openStream(pieces) {
  return new ChatCompletionStream(response(pieces), { controller: new AbortController() });
}

// Every reader starts from a Response, as it would after fetch().
function response(pieces) {
  return new Response(body(pieces), { headers: { "content-type": "text/event-stream" } });
}

// ---- Measurement ----

async function compare(pieces) {
  const times = Object.fromEntries(Object.keys(readers).map((name) => [name, []]));
  for (const read of Object.values(readers)) await run(read, pieces, STREAMS_PER_ROUND); // warm-up
  // Rounds take turns so that load from elsewhere on the machine falls on every reader alike.
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, read] of Object.entries(readers)) {
      times[name].push(await run(read, pieces, STREAMS_PER_ROUND));
    }
  }
  return Object.fromEntries(Object.entries(times).map(([name, list]) => [name, median(list)]));
}

async function run(read, pieces, streams) {
  const started = performance.now();
  for (let i = 0; i < streams; i++) {
    if ((await read(pieces)) !== CHUNKS) throw new Error(`${read.name} saw the wrong number of chunks`);
  }
  return (performance.now() - started) / streams;
}

function report(results) {
  const lines = [
    "## SSE parsing and the chunk stream (`bench/sse.mjs`)",
    "",
    "Run: `npx tsc -b && node bench/sse.mjs`.",
    machineLine(),
    `No HTTP: a ${CHUNKS}-chunk chat completion stream served from memory, in 16 KiB reads and one event per read. Each figure is the median of ${ROUNDS} interleaved rounds of ${STREAMS_PER_ROUND} streams; the baseline splits lines and JSON-parses every \`data: \` line with no SSE rules and no iteration.`,
  ];
  for (const [shape, times] of Object.entries(results)) {
    const baseline = times["line-split parse (baseline)"];
    const rows = Object.entries(times).map(([name, ms]) => [
      name,
      `${ms.toFixed(3)} ms`,
      ratio(ms, baseline),
    ]);
    lines.push("", `**${shape}**`, "", ...table(["reader", "per stream", "vs baseline"], rows));
  }
  return lines.join("\n");
}

// A Markdown table with padded columns (first left-aligned, the rest right-aligned), as Biome formats it.
function table(header, rows) {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i].length)));
  const pad = (cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]));
  const line = (cells) => `| ${cells.map(pad).join(" | ")} |`;
  const rule = widths.map((width, i) => (i === 0 ? "-".repeat(width) : `${"-".repeat(width - 1)}:`));
  return [line(header), `| ${rule.join(" | ")} |`, ...rows.map(line)];
}

// ---- Helpers ----

function body(pieces) {
  let index = 0;
  return new ReadableStream({
    pull(controller) {
      if (index < pieces.length) controller.enqueue(pieces[index++]);
      else controller.close();
    },
  });
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function splitEvery(bytes, size) {
  const parts = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return parts;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
