// Bad input never crashes the emulator: over real loopback HTTP, each malformed or hostile
// request gets a well-formed 4xx JSON answer, and the server keeps serving afterwards.
import { request } from "node:http";
import { connect } from "node:net";
import { createEmulator, type RunningServer, serve } from "@gloo-toolkit/servers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let server: RunningServer;
let token: string;
const emulator = createEmulator();

beforeAll(async () => {
  server = await serve(emulator.fetch, { port: 0 });
  const basic = Buffer.from("emulator-client:emulator-secret").toString("base64");
  const response = await fetch(`${server.url}/oauth2/token`, {
    method: "POST",
    headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded" },
    body: "grant_type=client_credentials",
  });
  token = ((await response.json()) as { access_token: string }).access_token;
});
afterAll(() => server.close());

type Case = {
  name: string;
  status: number;
  path?: string;
  method?: string;
  body?: BodyInit;
  headers?: Record<string, string>;
};

const user = [{ role: "user", content: "Hi" }];
const v1 = (name: string, body: unknown, status: number): Case => ({
  name,
  status,
  body: typeof body === "string" ? body : JSON.stringify(body),
});

const completionCases: Case[] = [
  v1("broken JSON", '{"messages": [', 400),
  v1("trailing garbage after JSON", '{"messages": []} xyz', 400),
  v1("a JSON array instead of an object", [], 422),
  v1("a JSON string", '"hello"', 422),
  v1("JSON null", "null", 422),
  v1("messages as a string", { messages: "Hi" }, 422),
  v1("no messages", { model: "us.meta.llama3-3-70b-instruct-v1:0" }, 422),
  v1("empty messages", { messages: [] }, 422),
  v1("a message that is a number", { messages: [7] }, 422),
  v1("an unknown role", { messages: [{ role: "wizard", content: "Hi" }] }, 422),
  v1("a message with no content", { messages: [{ role: "user" }] }, 422),
  v1("content of the wrong type", { messages: [{ role: "user", content: 42 }] }, 422),
  v1(
    "the last message from the assistant",
    { messages: [...user, { role: "assistant", content: "Hello" }] },
    422,
  ),
  v1("temperature as a string", { messages: user, temperature: "hot" }, 422),
  v1("temperature out of range", { messages: user, temperature: 5 }, 422),
  v1("max_tokens zero", { messages: user, max_tokens: 0 }, 422),
  v1("max_tokens fractional", { messages: user, max_tokens: 1.5 }, 422),
  v1("max_tokens as a boolean", { messages: user, max_tokens: true }, 422),
  v1("n too large", { messages: user, n: 1000 }, 422),
  v1("stream as a string", { messages: user, stream: "yes" }, 422),
  v1("tools as a string", { messages: user, tools: "all" }, 422),
  v1(
    "a tool with a bad name",
    { messages: user, tools: [{ type: "function", function: { name: "no spaces!" } }] },
    422,
  ),
  v1("an unknown tool_choice", { messages: user, tool_choice: "sometimes" }, 422),
  v1("an unknown model", { messages: user, model: "gpt-nonexistent" }, 400),
  v1("deeply nested arrays", `${"[".repeat(100_000)}${"]".repeat(100_000)}`, 422),
  v1("a __proto__ key", '{"__proto__": {"admin": true}, "messages": 1}', 422),
  {
    name: "no content type",
    status: 400,
    body: JSON.stringify({ messages: user }),
    headers: { "content-type": "" },
  },
  {
    name: "text/plain",
    status: 400,
    body: JSON.stringify({ messages: user }),
    headers: { "content-type": "text/plain" },
  },
  { name: "an empty body", status: 400, body: "" },
  { name: "invalid UTF-8", status: 400, body: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) },
  {
    name: "a 2 MiB body",
    status: 413,
    body: JSON.stringify({ messages: user, pad: "x".repeat(2 * 1024 * 1024) }),
  },
  {
    name: "a bad fault header",
    status: 400,
    body: JSON.stringify({ messages: user }),
    headers: { "x-emulator-fault": "explode" },
  },
  {
    name: "no Authorization",
    status: 401,
    body: JSON.stringify({ messages: user }),
    headers: { authorization: "" },
  },
  {
    name: "Basic instead of Bearer",
    status: 401,
    body: "{}",
    headers: { authorization: "Basic Zm9vOmJhcg==" },
  },
  { name: "a garbage bearer", status: 401, body: "{}", headers: { authorization: "Bearer not-a-token" } },
  {
    name: "a forged JWT",
    status: 401,
    body: "{}",
    headers: { authorization: "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln" },
  },
  { name: "an empty bearer", status: 401, body: "{}", headers: { authorization: "Bearer " } },
];

const v2 = (name: string, body: unknown, status: number): Case => ({
  ...v1(name, body, status),
  path: "/ai/v2/chat/completions",
});

const otherCases: Case[] = [
  v2("no routing mechanism", { messages: user }, 400),
  v2("two routing mechanisms", { messages: user, auto_routing: true, model: "gloo-openai-gpt-5.2" }, 400),
  v2("a misspelt model_family", { messages: user, model_family: "open-source" }, 422),
  v2("an unknown tradition", { messages: user, auto_routing: true, tradition: "pastafarian" }, 422),
  v2(
    "tools on a tool-less model",
    { messages: user, model: "gloo-deepseek-r1", tools: [{ type: "function", function: { name: "f" } }] },
    400,
  ),
  { name: "an unknown route", status: 404, path: "/ai/v3/anything", method: "GET" },
  { name: "DELETE on completions", status: 405, method: "DELETE" },
  { name: "GET on the token endpoint", status: 405, path: "/oauth2/token", method: "GET" },
  { name: "legacy GET without chat_id", status: 422, path: "/ai/v1/chat", method: "GET" },
  { name: "legacy POST with a numeric query", status: 422, path: "/ai/v1/chat", body: '{"query": 5}' },
  { name: "legacy GET of an unknown chat", status: 404, path: "/ai/v1/chat?chat_id=nope", method: "GET" },
  { name: "legacy message: broken JSON", status: 400, path: "/ai/v1/message", body: '{"query": ' },
  { name: "legacy message: a JSON array", status: 422, path: "/ai/v1/message", body: "[1, 2]" },
  {
    name: "legacy message: publishers not a list",
    status: 422,
    path: "/ai/v1/message",
    body: '{"query": "Hi", "publishers": "x"}',
  },
  { name: "legacy kallm: no query", status: 422, path: "/ai/v1/message/kallm", body: "{}" },
  {
    name: "legacy PATCH: broken JSON",
    status: 400,
    path: "/ai/v1/chat?chat_id=c1&chat_field=pin",
    method: "PATCH",
    body: "{",
  },
  { name: "legacy DELETE without ids", status: 422, path: "/ai/v1/message", method: "DELETE" },
  {
    name: "grounded: empty messages",
    status: 400,
    path: "/ai/v2/chat/completions/grounded",
    body: '{"auto_routing": true, "messages": []}',
  },
  { name: "grounded: a JSON string", status: 422, path: "/ai/v2/chat/completions/grounded", body: '"hello"' },
  {
    name: "response_format: a schema 200 objects deep",
    status: 200,
    path: "/ai/v2/chat/completions",
    body: JSON.stringify({
      messages: user,
      auto_routing: true,
      response_format: { type: "json_schema", json_schema: { schema: deepSchema(200) } },
    }),
  },
  {
    name: "response_format: a self-referencing schema",
    status: 200,
    path: "/ai/v2/chat/completions",
    body: JSON.stringify({
      messages: user,
      auto_routing: true,
      response_format: { type: "json_schema", json_schema: { schema: { $ref: "#" } } },
    }),
  },
];

// A schema nested `depth` objects deep: the value builder must stop rather than recurse without end.
function deepSchema(depth: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: "string" };
  for (let i = 0; i < depth; i++)
    schema = { type: "object", properties: { next: schema }, required: ["next"] };
  return schema;
}

const form = { "content-type": "application/x-www-form-urlencoded", authorization: "" };
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
const tokenCases: Case[] = [
  {
    name: "token: JSON content type",
    status: 400,
    path: "/oauth2/token",
    body: "{}",
    headers: { authorization: basic("emulator-client", "emulator-secret") },
  },
  {
    name: "token: no credentials",
    status: 400,
    path: "/oauth2/token",
    body: "grant_type=client_credentials",
    headers: form,
  },
  {
    name: "token: a wrong secret",
    status: 400,
    path: "/oauth2/token",
    body: "grant_type=client_credentials",
    headers: { ...form, authorization: basic("emulator-client", "nope") },
  },
  {
    name: "token: Basic without a colon",
    status: 400,
    path: "/oauth2/token",
    body: "grant_type=client_credentials",
    headers: { ...form, authorization: "Basic bm9jb2xvbg==" },
  },
  {
    name: "token: the password grant",
    status: 400,
    path: "/oauth2/token",
    body: "grant_type=password&client_id=emulator-client&client_secret=emulator-secret",
    headers: form,
  },
  {
    name: "token: an unknown scope",
    status: 400,
    path: "/oauth2/token",
    body: "grant_type=client_credentials&scope=admin&client_id=emulator-client&client_secret=emulator-secret",
    headers: form,
  },
];

async function send(c: Case): Promise<Response> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    authorization: `Bearer ${token}`,
    ...c.headers,
  };
  for (const [name, value] of Object.entries(headers)) if (value === "") delete headers[name];
  const init: RequestInit = { method: c.method ?? "POST", headers };
  if (c.body !== undefined) init.body = c.body;
  return fetch(`${server.url}${c.path ?? "/ai/v1/chat/completions"}`, init);
}

describe("hostile input over loopback", () => {
  it.each([...completionCases, ...otherCases, ...tokenCases])(
    "$name → $status with a JSON body",
    async (c) => {
      const response = await send(c);
      expect(response.status).toBe(c.status);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      const body = (await response.json()) as Record<string, unknown>;
      expect(typeof body).toBe("object");
      // Each error says something: a detail list, a platform error, or an OAuth error.
      expect(JSON.stringify(body).length).toBeGreaterThan(15);
    },
  );

  const rawCases: { name: string; bytes: string; status: number }[] = [
    { name: "a garbage request line", bytes: "HELLO THERE\r\n\r\n", status: 400 },
    {
      name: "a header without a colon",
      bytes: "GET / HTTP/1.1\r\nHost: x\r\nbroken header\r\n\r\n",
      status: 400,
    },
    {
      name: "a non-numeric Content-Length",
      bytes: "POST /oauth2/token HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
      status: 400,
    },
    {
      name: "a Host header that is no host",
      bytes: "GET /platform/v2/models HTTP/1.1\r\nHost: a b\r\n\r\n",
      status: 400,
    },
    {
      name: "a Host header with a bad port",
      bytes: "GET /platform/v2/models HTTP/1.1\r\nHost: x:99999\r\n\r\n",
      status: 400,
    },
    {
      name: "16 KiB of headers",
      bytes: `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
      status: 431,
    },
    {
      name: "both Content-Length and chunked",
      bytes:
        "POST /ai/v1/chat HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      status: 400,
    },
  ];

  it.each(rawCases)("a raw socket sending $name gets a JSON $status", async ({ bytes, status }) => {
    const reply = await rawExchange(bytes);
    expect(reply).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(reply).toMatch(/content-type: application\/json/i);
    expect(reply).toMatch(/x-request-id: [0-9a-f-]{36}/i);
    // The server closes the connection after such an answer (rawExchange ends when it does).
    expect(reply).toMatch(/\r\nconnection: close\r\n/i);
    expect(() => JSON.parse(reply.slice(reply.indexOf("\r\n\r\n") + 4))).not.toThrow();
  });

  it("survives a client that promises a body and hangs up, then still serves", async () => {
    const reply = await rawExchange(
      `POST /ai/v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"messages"`,
      true,
    );
    // Node's parser sees the body end early and the emulator answers it as malformed HTTP.
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    const response = await fetch(`${server.url}/platform/v2/models`);
    expect(response.status).toBe(200);
  });

  it("answers a 2.5 MiB chunked body (no Content-Length) with 413 while it is still arriving", async () => {
    const [status, body] = await new Promise<[number | undefined, string]>((resolve, reject) => {
      const req = request(
        `${server.url}/ai/v1/chat/completions`,
        { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` } },
        (res) => {
          let text = "";
          res.on("data", (chunk: Buffer) => {
            text += chunk.toString();
          });
          res.on("end", () => resolve([res.statusCode, text]));
        },
      );
      req.on("error", reject);
      const chunk = "x".repeat(64 * 1024);
      let sent = 0;
      const write = () => {
        while (sent < 40) {
          sent++;
          if (!req.write(chunk)) return void req.once("drain", write);
        }
        req.end();
      };
      write();
    });
    expect(status).toBe(413);
    expect(JSON.parse(body)).toMatchObject({ error: { name: "PAYLOAD_TOO_LARGE" } });
  });

  it("still serves a valid completion after all of the above", async () => {
    const response = await send({
      name: "valid",
      status: 200,
      body: JSON.stringify({ messages: [{ role: "user", content: "Reply with only: ALIVE" }] }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ choices: [{ message: { content: "ALIVE" } }] });
  });
});

function rawExchange(bytes: string, hangUp = false): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const socket = connect(server.port, "127.0.0.1", () => {
      socket.write(bytes);
      if (hangUp) socket.end();
    });
    socket.on("data", (data) => {
      text += data.toString("latin1");
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(text));
  });
}
