// The page's files, all served from this package: the page itself (plain ES modules, no build
// step, in `packages/servers/playground/`), and the ES modules it imports as `./vendor/…`,
// resolved from the installed npm packages: marked, DOMPurify and the SDK's own build. No CDN.
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** A file the playground serves: its bytes and content type. */
export interface Asset {
  body: Uint8Array<ArrayBuffer>;
  type: string;
}

const TYPES = new Map([
  [".html", "text/html; charset=utf-8"],
  [".js", "text/javascript; charset=utf-8"],
  [".mjs", "text/javascript; charset=utf-8"],
  [".css", "text/css; charset=utf-8"],
  [".svg", "image/svg+xml"],
]);

// `src/playground/` and `dist/playground/` are at the same depth, so one relative path finds the
// page from the sources (tests) and from the build.
const PAGE_DIR = fileURLToPath(new URL("../../playground/", import.meta.url));

const require = createRequire(import.meta.url);
// The directory of a package's main file (not every package exports its package.json).
const mainDir = (name: string) => dirname(require.resolve(name));

/**
 * Every URL path the page may load, mapped to a file on disk; anything else is a 404, so no path
 * from a request ever reaches the file system.
 */
export async function assetTable(): Promise<Map<string, string>> {
  const table = new Map<string, string>();
  for (const name of await readdir(PAGE_DIR)) {
    if (TYPES.has(extname(name))) table.set(`/app/${name}`, join(PAGE_DIR, name));
  }
  table.set("/", join(PAGE_DIR, "index.html"));
  table.set("/app/vendor/marked.js", join(mainDir("marked"), "marked.esm.js"));
  table.set("/app/vendor/purify.js", join(mainDir("dompurify"), "purify.es.mjs"));
  // The SDK's build (web-standard only), so the page streams through the same client users get.
  const sdkDist = mainDir("@gloo-toolkit/sdk");
  for (const entry of await readdir(sdkDist, { recursive: true })) {
    const name = entry.split("\\").join("/");
    if (name.endsWith(".js")) table.set(`/app/vendor/sdk/${name}`, join(sdkDist, name));
  }
  return table;
}

/** Reads the files of the {@link assetTable}, built on the first request, once each. */
export function createAssetReader(): (path: string) => Promise<Asset | undefined> {
  let table: Promise<Map<string, string>> | undefined;
  const cache = new Map<string, Promise<Asset>>();
  return async (path) => {
    table ??= assetTable();
    const file = (await table).get(path);
    if (file === undefined) return undefined;
    let asset = cache.get(path);
    if (asset === undefined) {
      asset = readFile(file).then((body) => ({
        body: new Uint8Array(body),
        type: TYPES.get(extname(file)) ?? "application/octet-stream",
      }));
      cache.set(path, asset);
    }
    return asset;
  };
}
