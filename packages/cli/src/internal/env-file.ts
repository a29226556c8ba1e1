import { readFile } from "node:fs/promises";
import { join } from "node:path";

/** Parses a dotenv file: `KEY=value`, `export KEY=value`, quotes, `#` comments. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (match === null) continue;
    const [, key = "", rest = ""] = match;
    let value = rest.trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, "\n").replace(/\\"/g, '"');
    } else {
      value = value.replace(/\s+#.*$/, "");
    }
    out[key] = value;
  }
  return out;
}

/** The process environment wins over `.env` in `cwd` (as dotenv does); a missing file is fine. */
export async function loadEnv(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Promise<Record<string, string | undefined>> {
  let text: string;
  try {
    text = await readFile(join(cwd, ".env"), "utf8");
  } catch {
    return { ...env };
  }
  const fromFile = parseEnvFile(text);
  const merged: Record<string, string | undefined> = { ...fromFile };
  for (const [key, value] of Object.entries(env)) if (value !== undefined) merged[key] = value;
  return merged;
}
