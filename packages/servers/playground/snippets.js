// An exchange as something to paste elsewhere: a cURL command (the token as $GLOO_ACCESS_TOKEN,
// never the token itself) and TypeScript with the SDK.

const DEFAULT_BASE = "https://platform.ai.gloo.com";

/**
 * Single-quotes a shell word: inside single quotes only `'` itself needs care.
 * @param {string} text
 */
export function shellQuote(text) {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/**
 * The exchange as a cURL command run by a POSIX shell.
 * @param {{ baseURL: string, path: string, body: string, fault: string }} exchange
 */
export function curlCommand({ baseURL, path, body, fault }) {
  return [
    `curl -sS -N ${shellQuote(`${baseURL}${path}`)}`,
    `-H "Authorization: Bearer $GLOO_ACCESS_TOKEN"`,
    `-H 'Content-Type: application/json'`,
    ...(fault ? [`-H ${shellQuote(`x-emulator-fault: ${fault}`)}`] : []),
    `-d ${shellQuote(body)}`,
  ].join(" \\\n  ");
}

/**
 * The exchange as a TypeScript program using `@gloo-toolkit/sdk`.
 * @param {{ baseURL: string, api: "v1" | "v2", params: RequestBody }} exchange
 */
export function typeScriptSnippet({ baseURL, api, params }) {
  const base = baseURL === DEFAULT_BASE ? "" : `\n  baseURL: ${JSON.stringify(baseURL)},`;
  const create = api === "v2" ? "gloo.v2.chat.completions.create" : "gloo.chat.completions.create";
  const body = JSON.stringify(params, null, 2);
  return [
    'import { Gloo } from "@gloo-toolkit/sdk";',
    "",
    `const gloo = new Gloo({\n  clientId: process.env.GLOO_CLIENT_ID,\n  clientSecret: process.env.GLOO_CLIENT_SECRET,${base}\n});`,
    "",
    params.stream
      ? `const stream = await ${create}(${body});\nfor await (const text of stream.textStream()) process.stdout.write(text);\nconsole.log();`
      : `const completion = await ${create}(${body});\nconsole.log(completion.choices[0]?.message.content);`,
    "",
  ].join("\n");
}
