/** One entry of OpenAI's `GET /v1/models` list. */
export interface OpenAIModel {
  id: string;
  object: "model";
  /** Unix seconds; `0` when the catalogue does not say (Gloo's does not). */
  created: number;
  owned_by: string;
}

/**
 * Reshapes Gloo's public catalogue (`GET /platform/v2/models`: `{object, data: [{id, name, family,
 * …}]}`) into OpenAI's model list, so clients that list models before using one (IDE assistants,
 * LangChain tooling) work through the proxy. Entries without a string `id` are skipped.
 */
export function toOpenAIModels(catalogue: unknown): { object: "list"; data: OpenAIModel[] } {
  const entries = (catalogue as { data?: unknown } | null)?.data;
  const data: OpenAIModel[] = [];
  for (const entry of Array.isArray(entries) ? (entries as unknown[]) : []) {
    if (typeof entry !== "object" || entry === null) continue;
    const { id, created, family } = entry as Record<string, unknown>;
    if (typeof id !== "string") continue;
    data.push({
      id,
      object: "model",
      created: typeof created === "number" ? created : 0,
      // The catalogue's `family` (OpenAI, Anthropic, Google, Open Source) is who the model belongs to.
      owned_by: typeof family === "string" ? family : "gloo",
    });
  }
  return { object: "list", data };
}
