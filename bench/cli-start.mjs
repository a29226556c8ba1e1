// Cold start of `gloo --help` and `gloo --version` against `node -e 0` (the floor: Node's own start).
// Each command is spawned RUNS times, interleaved so machine noise hits all three alike; medians.
// Run `npx tsc -b` first: this spawns the built CLI (packages/cli/bin.js → dist).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { machineLine, ratio, writeSection } from "./lib/report.mjs";

const RUNS = Number(process.env.RUNS ?? 40);
const bin = fileURLToPath(new URL("../packages/cli/bin.js", import.meta.url));

const cases = [
  { name: "`node -e 0` (baseline)", args: ["-e", "0"] },
  { name: "`gloo --help`", args: [bin, "--help"] },
  { name: "`gloo --version`", args: [bin, "--version"] },
];

function time(args) {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: ["ignore", "ignore", "inherit"] });
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new Error(`${args.join(" ")} exited ${result.status}`);
  return elapsed;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

for (const c of cases) time(c.args); // warm the file-system cache once; every measured run is still a new process
const samples = cases.map(() => []);
for (let run = 0; run < RUNS; run++) {
  for (const [i, c] of cases.entries()) samples[i].push(time(c.args));
}

/** A Markdown table padded the way the formatter (Biome) leaves it: first column left, the rest right. */
function table(header, rows) {
  const widths = header.map((h, i) => Math.max(3, h.length, ...rows.map((row) => row[i].length)));
  const cell = (text, i) => (i === 0 ? text.padEnd(widths[i]) : text.padStart(widths[i]));
  const line = (cells) => `| ${cells.map(cell).join(" | ")} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? "-".repeat(w) : `${"-".repeat(w - 1)}:`)).join(" | ")} |`;
  return [line(header), rule, ...rows.map(line)];
}

const baseline = median(samples[0]);
const rows = cases.map((c, i) => {
  const m = median(samples[i]);
  return [c.name, m.toFixed(1), Math.min(...samples[i]).toFixed(1), ratio(m, baseline)];
});
const markdown = [
  "## CLI cold start",
  "",
  `Each command spawned ${RUNS} times (interleaved) with \`spawnSync\`; median and fastest wall time per process. Target: ≤ 2.5× the baseline. ${machineLine()}`,
  "",
  ...table(["command", "median ms", "min ms", "vs baseline"], rows),
].join("\n");
console.log(markdown);
await writeSection("cli", markdown);
