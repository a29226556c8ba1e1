// Scale-out throughput: `gloo batch --queue` with 1, 2 and 4 `gloo worker` processes against a
// spawned emulator answering each request after 200 ms, and the single-host `gloo batch` runner on
// the same file in the same run (the baseline). Every process has the same concurrency, so one
// process's ideal is CONCURRENCY / 0.2 s; N workers' is N times that. A real redis-server (Debian's,
// as in the tests) holds the queue, emptied between runs.
//
// Run: npx tsc -b && node bench/fleet.mjs        Options: --quick (600 lines, no docs update).
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { machineLine, ratio, writeSection } from "./lib/report.mjs";

const BIN = fileURLToPath(new URL("../packages/cli/bin.js", import.meta.url));
const QUICK = process.argv.includes("--quick");
const LINES = QUICK ? 600 : 3_000;
const CONCURRENCY = 16;
const LATENCY_MS = 200;
const PER_PROCESS_IDEAL = CONCURRENCY / (LATENCY_MS / 1000);

const dir = await mkdtemp(join(tmpdir(), "gloo-bench-fleet-"));
const redis = await startRedis(dir);
const emulator = await startServer([BIN, "emulator", "--port", "0", "--latency", String(LATENCY_MS)], {});
const env = {
  PATH: process.env.PATH ?? "",
  GLOO_BASE: emulator.url,
  GLOO_CLIENT_ID: "emulator-client",
  GLOO_CLIENT_SECRET: "emulator-secret",
};
const rows = [];
try {
  rows.push({ name: "single-host `gloo batch` (baseline)", processes: 1, seconds: await single() });
  for (const workers of [1, 2, 4])
    rows.push({
      name: `\`gloo batch --queue\`, ${workers} worker(s)`,
      processes: workers,
      seconds: await fleet(workers),
    });
  report(rows);
} finally {
  await emulator.stop();
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
}

// Each run gets its own file (different bytes: a new run id, nothing resumed from the last run).
async function input(tag) {
  const rows = [];
  for (let index = 0; index < LINES; index++) {
    rows.push(
      JSON.stringify({
        custom_id: `${tag}-${index}`,
        method: "POST",
        url: "/v1/chat/completions",
        body: { messages: [{ role: "user", content: `Reply with only: ${tag}-${index}` }], max_tokens: 16 },
      }),
    );
  }
  const path = join(dir, `${tag}.jsonl`);
  await writeFile(path, `${rows.join("\n")}\n`);
  return path;
}

async function single() {
  const file = await input("single");
  const summary = await run([BIN, "batch", file, "--concurrency", String(CONCURRENCY), "--json"], env);
  if (summary.succeeded !== LINES)
    throw new Error(`single-host run finished ${summary.succeeded} of ${LINES}`);
  return summary.wallSeconds;
}

async function fleet(count) {
  const file = await input(`fleet${count}`);
  const queueEnv = { ...env, GLOO_QUEUE_URL: redis.url };
  const workers = [];
  for (let i = 0; i < count; i++)
    workers.push(
      await startServer([BIN, "worker", "--concurrency", String(CONCURRENCY)], queueEnv, /Gloo worker on/),
    );
  try {
    const summary = await run([BIN, "batch", file, "--json"], queueEnv);
    if (summary.succeeded !== LINES) throw new Error(`fleet run finished ${summary.succeeded} of ${LINES}`);
    // From submission to the last output in Redis (the files are written after).
    return summary.seconds;
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
  }
}

async function run(args, environment) {
  const child = spawn(process.execPath, args, { env: environment });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const [code] = await once(child, "close");
  if (code !== 0) throw new Error(`${args.slice(1).join(" ")} failed (${code}):\n${stderr}`);
  return JSON.parse(stdout);
}

async function startServer(args, environment, ready = /listening on (\S+)/) {
  const child = spawn(process.execPath, args, { env: { ...environment, PATH: process.env.PATH ?? "" } });
  const url = await new Promise((resolve, reject) => {
    let text = "";
    child.stdout.on("data", (chunk) => {
      text += chunk;
      const match = ready.exec(text);
      if (match) resolve(match[1]);
    });
    child.on("exit", (code) => reject(new Error(`${args.slice(1, 3).join(" ")} exited with ${code}`)));
  });
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}

async function startRedis(where) {
  const port = await new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port: free } = server.address();
      server.close(() => resolve(free));
    });
  });
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--dir",
    where,
    "--save",
    "",
    "--appendonly",
    "no",
  ];
  const child = spawn("/usr/bin/redis-server", [...args, "--maxmemory-policy", "noeviction"]);
  await new Promise((resolve, reject) => {
    let text = "";
    child.stdout.on("data", (chunk) => {
      text += chunk;
      if (text.includes("Ready to accept connections")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`redis-server exited with ${code}: ${text}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}

function report(results) {
  const baseline = results[0];
  const rate = (row) => LINES / row.seconds;
  const table = [
    "| run | processes sending | wall | req/s | vs ideal | vs single-host |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    ...results.map(
      (row) =>
        `| ${row.name} | ${row.processes} | ${row.seconds.toFixed(2)} s | ${rate(row).toFixed(1)} | ${ratio(rate(row), PER_PROCESS_IDEAL * row.processes)} | ${ratio(rate(row), rate(baseline))} |`,
    ),
  ].join("\n");
  const markdown = `## Scale-out: batch workers (\`bench/fleet.mjs\`)

Run: \`npx tsc -b && node bench/fleet.mjs\`.
${machineLine()} The machine was shared with other work during the run, and every worker, the emulator and Redis ran on the same host, so this measures the queue's overhead and how throughput grows with processes, not what separate hosts would reach.
${LINES.toLocaleString("en-US")} v1 lines per run against the spawned \`gloo emulator --latency ${LATENCY_MS}\`; each sending process has concurrency ${CONCURRENCY}, so one process's ideal is ${PER_PROCESS_IDEAL} req/s and N workers' is N × ${PER_PROCESS_IDEAL}. Baseline in the same run: the single-host runner (\`gloo batch --concurrency ${CONCURRENCY}\`, its own wall time). Fleet rows: from submission to the last output in Redis (\`gloo batch --queue\`'s \`seconds\`, which it checks once a second, so up to 1 s late), workers started before.

${table}`;
  console.log(markdown);
  if (!QUICK) return writeSection("fleet", markdown);
}
