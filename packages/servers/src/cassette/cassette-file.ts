// The cassette file: checked before recording starts, read to append to, and rewritten whole and
// atomically (a temporary file renamed over it) after each exchange. Each finished interaction is
// serialised once and kept, so a rewrite costs a concatenation, not a JSON.stringify of the whole
// cassette: the text is byte for byte what formatCassette() gives.
import { accessSync, constants, readFileSync, statSync } from "node:fs";
import { rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { type Cassette, formatCassette, type Interaction, parseCassette } from "./format.js";

/**
 * Fails now, with the fix, if the cassette cannot be written: rather than after the traffic it
 * was meant to keep has gone by.
 */
export function checkWritable(path: string): void {
  const directory = dirname(path);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(directory).isDirectory();
  } catch {
    throw new Error(
      `cannot record to ${path}: the directory ${directory} does not exist. Create it first (mkdir -p ${directory}) or record somewhere else.`,
    );
  }
  if (!isDirectory) {
    throw new Error(`cannot record to ${path}: ${directory} is not a directory. Record somewhere else.`);
  }
  try {
    accessSync(directory, constants.W_OK);
  } catch {
    throw new Error(
      `cannot record to ${path}: the directory ${directory} is not writable. Record somewhere you may write, or fix its permissions.`,
    );
  }
  let existing: ReturnType<typeof statSync> | undefined;
  try {
    existing = statSync(path);
  } catch {
    return;
  }
  if (existing.isDirectory()) {
    throw new Error(
      `cannot record to ${path}: it is a directory. Give a file name, e.g. ${path}/cassette.json.`,
    );
  }
}

/** The interactions of the cassette at `path` (none if there is no file), for appending. */
export function readExisting(path: string): Interaction[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return [];
    throw new Error(`cannot read ${path} to append to it: ${(error as Error).message}`);
  }
  return parseCassette(text, basename(path)).interactions;
}

/**
 * Writes the cassette `snapshot()` gives whenever asked, one write at a time: exchanges that end
 * while a write is under way are in the next one. Interactions must not change once written
 * (the recorder freezes them).
 */
export function createCassetteWriter(path: string, snapshot: () => Cassette) {
  let running: Promise<void> | undefined;
  let dirty = false;
  let failure: unknown;
  let serial = 0;
  const format = cachedFormat();
  const loop = async () => {
    while (dirty) {
      dirty = false;
      const temporary = `${path}.${process.pid}.${serial++}.tmp`;
      try {
        await writeFile(temporary, format(snapshot()));
        await rename(temporary, path);
        failure = undefined;
      } catch (error) {
        failure = error;
        await rm(temporary, { force: true }).catch(() => {});
      }
    }
  };
  const kick = () => {
    if (running !== undefined || !dirty) return;
    running = loop().finally(() => {
      running = undefined;
      kick();
    });
  };
  return {
    write() {
      dirty = true;
      kick();
    },
    async idle() {
      while (running !== undefined) await running;
      if (failure !== undefined) {
        throw new Error(`could not write the cassette ${path}: ${(failure as Error).message}`, {
          cause: failure,
        });
      }
    },
  };
}

// formatCassette(), with each interaction's text made once: JSON.stringify with two-space indent
// puts an array's elements at four spaces, one per line, separated by ",\n".
function cachedFormat(): (cassette: Cassette) => string {
  const texts = new WeakMap<Interaction, string>();
  return (cassette) => {
    if (cassette.interactions.length === 0) return formatCassette(cassette);
    const head = formatCassette({ ...cassette, interactions: [] });
    const items = cassette.interactions.map((interaction) => {
      let text = texts.get(interaction);
      if (text === undefined) {
        text = `    ${JSON.stringify(interaction, null, 2).replaceAll("\n", "\n    ")}`;
        texts.set(interaction, text);
      }
      return text;
    });
    const end = '"interactions": []\n}\n';
    // The interactions come last in a cassette this recorder made; anything else, the slow way.
    if (!head.endsWith(end)) return formatCassette(cassette);
    return `${head.slice(0, -end.length)}"interactions": [\n${items.join(",\n")}\n  ]\n}\n`;
  };
}
