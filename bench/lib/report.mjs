// Writes one benchmark's results into its own section of docs/benchmarks.md, leaving the others.
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";

const file = new URL("../../docs/benchmarks.md", import.meta.url);
const loadAtStart = os.loadavg()[0];

/**
 * The 1-minute load average when the benchmark started and now, so a reader can tell a quiet run
 * from one that shared the machine (the benchmark's own processes count too).
 */
export function loadLine() {
  return `1-minute load average ${loadAtStart.toFixed(1)} at the start and ${os.loadavg()[0].toFixed(1)} at the end (the benchmark's own processes included; above 2, the 2 cores had other work too).`;
}

/** A line naming the machine and runtime, so every section says where its figures come from. */
export function machineLine() {
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  return `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}.`;
}

/** Replaces the text between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` (appending the pair if absent). */
export async function writeSection(name, markdown) {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  let text = await readFile(file, "utf8");
  const block = `${open}\n${markdown.trim()}\n${close}`;
  const start = text.indexOf(open);
  const end = text.indexOf(close);
  if (start !== -1 && end > start) text = text.slice(0, start) + block + text.slice(end + close.length);
  else text = `${text.trimEnd()}\n\n${block}\n`;
  await writeFile(file, text);
}

/** Formats a ratio like `1.07×`. */
export const ratio = (value, baseline) => `${(value / baseline).toFixed(2)}×`;
