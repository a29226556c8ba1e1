// The two files `gloo postman` writes, rendered as text: one place for their names, defaults and
// formatting, shared by the command and the test that keeps the committed copies in step.
import { DEFAULT_BASE_URL, V1_DEFAULT_MODEL } from "@gloo-toolkit/sdk";
import { buildCollection } from "./collection.js";
import { buildEnvironment } from "./environment.js";
import type { PostmanOptions } from "./types.js";

/** File name of the collection, as the platform quickstart's Postman appendix names it. */
export const COLLECTION_FILE_NAME = "Gloo_AI_Postman_Collection_v2.2_EN.json";
/** File name of the environment, as the platform quickstart's Postman appendix names it. */
export const ENVIRONMENT_FILE_NAME = "Gloo_AI_Environment_EN.postman_environment.json";

/** The options the committed files are generated with. */
export const DEFAULT_POSTMAN_OPTIONS: PostmanOptions = {
  base: DEFAULT_BASE_URL,
  model: V1_DEFAULT_MODEL,
};

/** A file to write: its name and its whole text. */
export interface PostmanFile {
  fileName: string;
  text: string;
}

function render(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Renders the collection and the environment as JSON text (two-space indent, final newline).
 *
 * @example
 * for (const { fileName, text } of renderPostmanFiles()) await writeFile(join(dir, fileName), text);
 */
export function renderPostmanFiles(options: PostmanOptions = DEFAULT_POSTMAN_OPTIONS): PostmanFile[] {
  return [
    { fileName: COLLECTION_FILE_NAME, text: render(buildCollection(options)) },
    { fileName: ENVIRONMENT_FILE_NAME, text: render(buildEnvironment(options)) },
  ];
}
