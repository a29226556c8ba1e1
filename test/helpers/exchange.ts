// Raw chat exchanges for the record/replay tests: a chat request's fetch init, and a response read
// to its end or its break with every byte that arrived, so recordings and replays compare exactly.

/** Options of {@link chatInit}. */
export interface ChatInitOptions {
  stream?: boolean;
  /** The emulator's `x-emulator-fault` header, e.g. `429`, `error-after=2`, `drop-after=2`. */
  fault?: string;
  /** More body fields. */
  extra?: Record<string, unknown>;
}

/** A `fetch` init for a chat completion with one user message. */
export function chatInit(
  model: string,
  content: string,
  options: ChatInitOptions = {},
): RequestInit & {
  headers: Record<string, string>;
} {
  const { stream = false, fault, extra = {} } = options;
  return {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(fault === undefined ? {} : { "x-emulator-fault": fault }),
    },
    body: JSON.stringify({ model, messages: [{ role: "user", content }], stream, ...extra }),
  };
}

/** What a response gave: its status, every byte of its body as text, and whether the body broke off. */
export interface ReadAll {
  status: number;
  text: string;
  broken: boolean;
}

/** Reads a response's body to its end or its failure, keeping every byte that arrived. */
export async function readAll(response: Response): Promise<ReadAll> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { status: response.status, text: text + decoder.decode(), broken: false };
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return { status: response.status, text: text + decoder.decode(), broken: true };
  }
}
