import { fileURLToPath } from "node:url";

/**
 * How the user runs this `gloo`, for the commands we suggest: `gloo` when the package is installed
 * (its files live under a `node_modules`), `npx gloo` in a checkout of the repository, where no
 * `gloo` is on the PATH but the workspace links the bin into `node_modules/.bin`.
 */
export function invocation(moduleURL: string = import.meta.url): string {
  return fileURLToPath(moduleURL).split(/[\\/]/).includes("node_modules") ? "gloo" : "npx gloo";
}
