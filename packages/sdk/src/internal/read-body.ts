/** Reads a response body as JSON when it parses, else as text (empty string when there is none). */
export async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === "") return "";
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
