import { readFile } from "node:fs/promises";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { buildCollection } from "../src/postman/collection.js";
import type { Collection, Event, Item } from "../src/postman/types.js";

const options = { base: "https://platform.ai.gloo.com", model: "us.meta.llama3-3-70b-instruct-v1:0" };
const collection = buildCollection(options);
const items = collection.item.flatMap((folder) => folder.item);

function itemNamed(name: string): Item {
  const item = items.find((candidate) => candidate.name === name);
  if (item === undefined) throw new Error(`no request named "${name}"`);
  return item;
}

function scriptOf(events: Event[], listen: Event["listen"]): string {
  return events
    .filter((event) => event.listen === listen)
    .map((event) => event.script.exec.join("\n"))
    .join("\n");
}

function bodyOf(item: Item): Record<string, unknown> {
  const body = item.request.body;
  if (body?.mode !== "raw") throw new Error(`"${item.name}" has no JSON body`);
  return JSON.parse(body.raw) as Record<string, unknown>;
}

describe("buildCollection", () => {
  it("is valid against the Postman Collection v2.1.0 schema", async () => {
    const schema = JSON.parse(
      await readFile(new URL("./fixtures/postman-collection-v2.1.schema.json", import.meta.url), "utf8"),
    ) as object;
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    const valid = validate(collection);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it("rejects a collection the schema forbids (the schema check can fail)", async () => {
    const schema = JSON.parse(
      await readFile(new URL("./fixtures/postman-collection-v2.1.schema.json", import.meta.url), "utf8"),
    ) as object;
    const validate = new Ajv({ strict: false }).compile(schema);
    const { item: _item, ...withoutItems } = collection;
    expect(validate(withoutItems)).toBe(false);
  });

  it("has the folders the quickstart's Postman appendix names, in order", () => {
    expect(collection.item.map((folder) => folder.name)).toEqual([
      "Auth",
      "Completions",
      "SSE",
      "Health checks",
      "Table Examples",
      "Legacy Chat (not GA, reference only)",
    ]);
  });

  it("describes every folder and request in plain words and tests every response", () => {
    for (const folder of collection.item) expect(folder.description.length, folder.name).toBeGreaterThan(40);
    for (const item of items) {
      expect(item.request.description.length, item.name).toBeGreaterThan(40);
      expect(scriptOf(item.event, "test"), item.name).toContain("pm.test(");
    }
  });

  it("gets the token as the quickstart's table 1 says: Basic auth, form body, test stores it", () => {
    const token = itemNamed("Get OAuth Token");
    expect(token.request.method).toBe("POST");
    expect(token.request.url.raw).toBe("{{BASE}}/oauth2/token");
    expect(token.request.auth).toEqual({
      type: "basic",
      basic: [
        { key: "username", value: "{{CLIENT_ID}}", type: "string" },
        { key: "password", value: "{{CLIENT_SECRET}}", type: "string" },
      ],
    });
    expect(token.request.body).toEqual({
      mode: "urlencoded",
      urlencoded: [
        { key: "grant_type", value: "client_credentials" },
        { key: "scope", value: "api/access" },
      ],
    });
    const tests = scriptOf(token.event, "test");
    expect(tests).toContain("pm.collectionVariables.set(key, values[key])");
    expect(tests).toContain("access_token_expires_at");
  });

  it("fetches a token before any request from a collection-level pre-request script", () => {
    const script = scriptOf(collection.event, "prerequest");
    expect(script).toContain("pm.sendRequest(");
    expect(script).toContain("'/oauth2/token'");
    expect(script).toContain("pm.execution.skipRequest()");
    expect(script).toMatch(/Date\.now\(\) >= expiresAt - marginMs/);
  });

  it("sends the quickstart's completion bodies with the bearer token and JSON content type", () => {
    const completion = itemNamed("Chat Completion (non-stream)");
    expect(completion.request.url.raw).toBe("{{BASE}}/ai/v1/chat/completions");
    expect(completion.request.auth).toEqual({
      type: "bearer",
      bearer: [{ key: "token", value: "{{access_token}}", type: "string" }],
    });
    expect(completion.request.header).toContainEqual({ key: "Content-Type", value: "application/json" });
    expect(bodyOf(completion)).toEqual({
      model: "{{MODEL}}",
      messages: [{ role: "user", content: "Explain the seven seals in two concise sentences." }],
      max_tokens: 256,
      temperature: 0.7,
      stream: false,
    });
    const sse = itemNamed("Chat Completion (SSE)");
    expect(sse.request.header).toContainEqual({ key: "Accept", value: "text/event-stream" });
    expect(bodyOf(sse)).toMatchObject({ stream: true, temperature: 0, max_tokens: 8 });
    expect(bodyOf(itemNamed("B. Determinism (n)"))).toMatchObject({ n: 3, temperature: 0 });
    expect(bodyOf(itemNamed("2) Send Chat Message (Completions — WORKS)"))).toMatchObject({
      max_tokens: 1024,
    });
  });

  it("asserts the echo exactly and the determinism check on three identical answers", () => {
    expect(scriptOf(itemNamed("A. Exact echo").event, "test")).toContain(".to.equal('PING-9473e0')");
    expect(scriptOf(itemNamed("B. Determinism (n)").event, "test")).toContain(
      ".to.eql(Array(3).fill('SUN'))",
    );
  });

  it("marks the legacy chat requests as not for production and reads back the created chat", () => {
    const read = itemNamed("Read legacy chat (messages come back empty)");
    expect(read.request.url.raw).toBe("{{BASE}}/ai/v1/chat?chat_id={{legacy_chat_id}}");
    expect(read.request.description).toContain("do not use it in production");
    expect(scriptOf(read.event, "test")).toContain(".to.be.an('array').that.is.empty");
    expect(itemNamed("Create legacy chat").request.description).toContain("do not use it in production");
  });

  it("writes the given base and model as collection variables", () => {
    const custom = buildCollection({ base: "http://127.0.0.1:9999", model: "m-1" });
    expect(custom.variable).toContainEqual(
      expect.objectContaining({ key: "BASE", value: "http://127.0.0.1:9999" }),
    );
    expect(custom.variable).toContainEqual(expect.objectContaining({ key: "MODEL", value: "m-1" }));
  });

  it("has only scripts that parse as JavaScript", () => {
    const scripts: Array<[string, string]> = [
      ["collection pre-request", scriptOf(collection.event, "prerequest")],
    ];
    for (const item of items) {
      for (const listen of ["prerequest", "test"] as const)
        scripts.push([item.name, scriptOf(item.event, listen)]);
    }
    // Postman runs each script as a function body; compiling one (without calling it) catches syntax errors.
    for (const [name, code] of scripts) expect(() => new Function(code), name).not.toThrow();
  });

  it("holds credentials only as {{CLIENT_ID}} / {{CLIENT_SECRET}} references", () => {
    const text = JSON.stringify(collection satisfies Collection);
    expect(text).not.toMatch(/emulator-(client|secret)/);
    // Credentials reach requests only through the auth blocks and the scripts' variable reads.
    for (const item of items)
      expect(item.request.header.map((header) => header.key)).not.toContain("Authorization");
    const basic = items.flatMap((item) =>
      item.request.auth?.type === "basic" ? item.request.auth.basic : [],
    );
    expect(new Set(basic.map((entry) => entry.value))).toEqual(
      new Set(["{{CLIENT_ID}}", "{{CLIENT_SECRET}}"]),
    );
    expect(collection.variable.map((variable) => variable.key)).not.toContain("CLIENT_SECRET");
  });
});
