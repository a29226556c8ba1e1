// The cassette file: checked before recording starts, read to append to, and rewritten whole and
// atomically (a temporary file renamed over it) after each exchange. Each finished interaction is
// serialised and encoded once and kept, so a rewrite is a vectored write of parts already made,
// not a JSON.stringify of the whole cassette: the bytes are exactly what formatCassette() gives.
import { accessSync, constants, readFileSync, statSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
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
        await writeParts(temporary, format(snapshot()));
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

// formatCassette() as a list of byte parts, each interaction's encoded once: JSON.stringify with
// two-space indent puts an array's elements at four spaces, one per line, separated by ",\n".
// Neither a whole-file string nor its encoding is made again for each exchange, so the event
// loop's share of a rewrite stays small however large the cassette grows.
function cachedFormat(): (cassette: Cassette) => Uint8Array[] {
  const parts = new WeakMap<Interaction, Uint8Array>();
  const encoder = new TextEncoder();
  const separator = encoder.encode(",\n");
  return (cassette) => {
    const head = formatCassette({ ...cassette, interactions: [] });
    const end = '"interactions": []\n}\n';
    // The interactions come last in a cassette this recorder made; anything else, the slow way.
    if (cassette.interactions.length === 0 || !head.endsWith(end))
      return [encoder.encode(formatCassette(cassette))];
    const out: Uint8Array[] = [encoder.encode(`${head.slice(0, -end.length)}"interactions": [\n`)];
    for (const [index, interaction] of cassette.interactions.entries()) {
      let part = parts.get(interaction);
      if (part === undefined) {
        part = encoder.encode(`    ${JSON.stringify(interaction, null, 2).replaceAll("\n", "\n    ")}`);
        parts.set(interaction, part);
      }
      if (index > 0) out.push(separator);
      out.push(part);
    }
    out.push(encoder.encode("\n  ]\n}\n"));
    return out;
  };
}

// Writes the parts in order with vectored writes (a batch at a time, below every system's
// IOV_MAX), carrying on after a short write.
async function writeParts(path: string, parts: Uint8Array[]): Promise<void> {
  const handle = await open(path, "w");
  try {
    let pending = parts;
    while (pending.length > 0) {
      const batch = pending.slice(0, 512);
      let { bytesWritten } = await handle.writev(batch);
      let done = 0;
      while (done < batch.length && bytesWritten >= (batch[done] as Uint8Array).byteLength) {
        bytesWritten -= (batch[done] as Uint8Array).byteLength;
        done++;
      }
      pending = pending.slice(done);
      if (bytesWritten > 0) pending[0] = (pending[0] as Uint8Array).subarray(bytesWritten);
    }
  } finally {
    await handle.close();
  }
}
