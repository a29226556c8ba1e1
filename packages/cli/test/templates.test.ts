import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emulated, runCli, tempDir } from "./helpers/cli.js";

async function setup() {
  const base = emulated();
  const bodies: Record<string, unknown>[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    if (request.url.endsWith("/chat/completions")) bodies.push(await request.clone().json());
    return base.fetch(request);
  };
  const config = await tempDir();
  const cwd = await tempDir();
  const env = { ...base.env, XDG_CONFIG_HOME: config };
  const gloo = (argv: string[], extra: Record<string, string> = {}) =>
    runCli(argv, { env: { ...env, ...extra }, fetch, cwd });
  return { gloo, bodies, cwd, dir: join(config, "gloo", "templates") };
}

describe("templates", () => {
  it("saves the system prompt and parameters given with --save, sends nothing, and uses them with -t", async () => {
    const { gloo, bodies, dir } = await setup();
    const saved = await gloo([
      "chat",
      "--system",
      "Answer in French.",
      "--temperature",
      "0",
      "-o",
      "top_p=0.5",
      "--save",
      "french",
    ]);
    expect(saved.code).toBe(0);
    expect(saved.stdout).toContain("Saved template french");
    expect(bodies).toEqual([]);
    expect(JSON.parse(await readFile(join(dir, "french.json"), "utf8"))).toEqual({
      system: "Answer in French.",
      temperature: 0,
      options: { top_p: 0.5 },
    });
    await gloo(["chat", "-t", "french", "Reply with only: BONJOUR"]);
    expect(bodies.at(-1)).toMatchObject({
      temperature: 0,
      top_p: 0.5,
      messages: [{ role: "system", content: "Answer in French." }, { role: "user" }],
    });
    await gloo(["chat", "-t", "french", "--temperature", "0.5", "-o", "top_p=0.9", "Reply with only: X"]);
    expect(bodies.at(-1)).toMatchObject({ temperature: 0.5, top_p: 0.9 });
  });

  it("lists and shows templates, and edits one in $EDITOR, checking it after", async () => {
    const { gloo, cwd } = await setup();
    await gloo(["chat", "--system", "Be brief.", "--save", "brief"]);
    expect((await gloo(["templates", "list"])).stdout).toBe('brief  "Be brief."\n');
    expect(JSON.parse((await gloo(["templates", "show", "brief"])).stdout)).toEqual({ system: "Be brief." });
    const editor = join(cwd, "editor.sh");
    await writeFile(editor, `#!/bin/sh\nprintf '{"system": "Edited.", "max-tokens": 50}' > "$1"\n`);
    await chmod(editor, 0o755);
    const edited = await gloo(["templates", "edit", "brief"], { EDITOR: editor });
    expect(edited).toMatchObject({ code: 0, stdout: "Template brief saved: system, max-tokens.\n" });
    expect(JSON.parse((await gloo(["templates", "show", "brief"])).stdout)).toEqual({
      system: "Edited.",
      "max-tokens": 50,
    });
    await writeFile(editor, `#!/bin/sh\nprintf '{"temperature": "hot"}' > "$1"\n`);
    const broken = await gloo(["templates", "edit", "brief"], { EDITOR: editor });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain("cannot be used: temperature must be a number");
  });

  it.each([
    [["chat", "-t", "nope", "hi"], 'no template "nope"'],
    [["chat", "--save", "../evil", "--system", "x"], "template names are letters"],
    [["chat", "--save", "empty"], "--save needs something to keep"],
    [["chat", "--system", "x", "--save", "t", "a prompt"], "--save stores a template and sends nothing"],
    [["templates", "show"], "say what to do"],
    [["templates", "edit", "x"], "set VISUAL or EDITOR"],
  ])("refuses %j with exit 2", async (argv, message) => {
    const { gloo } = await setup();
    const run = await gloo(argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});

describe("-o key=value", () => {
  it("adds request parameters, parsed as JSON when they are JSON", async () => {
    const { gloo, bodies } = await setup();
    const run = await gloo([
      "chat",
      "-o",
      "top_p=0.9",
      "-o",
      'stop=["END"]',
      "-o",
      "user=alice",
      "-o",
      'response_format={"type":"text"}',
      "Reply with only: O",
    ]);
    expect(run.code).toBe(0);
    expect(bodies.at(-1)).toMatchObject({
      top_p: 0.9,
      stop: ["END"],
      user: "alice",
      response_format: { type: "text" },
    });
  });

  it("refuses a pair without = and fields the flags own", async () => {
    const { gloo } = await setup();
    expect((await gloo(["chat", "-o", "top_p", "hi"])).stderr).toContain('-o takes key=value, got "top_p"');
    expect((await gloo(["chat", "-o", "model=x", "hi"])).stderr).toContain("-o model is set by --model");
  });
});

describe("-a FILE", () => {
  it("adds each text file's content, with its name, after the prompt", async () => {
    const { gloo, bodies, cwd } = await setup();
    await writeFile(join(cwd, "notes.md"), "buy milk\n");
    await writeFile(join(cwd, "todo.txt"), "call Ann");
    expect((await gloo(["chat", "-a", "notes.md", "-a", "todo.txt", "Summarise"])).code).toBe(0);
    const messages = bodies.at(-1)?.messages as { content: string }[];
    expect(messages.at(-1)?.content).toBe(
      "Summarise\n\n--- notes.md ---\nbuy milk\n--- end of notes.md ---\n\n--- todo.txt ---\ncall Ann\n--- end of todo.txt ---",
    );
  });

  it("refuses a binary or missing file with exit 2", async () => {
    const { gloo, cwd } = await setup();
    await writeFile(join(cwd, "image.png"), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0xff]));
    const binary = await gloo(["chat", "-a", "image.png", "hi"]);
    expect(binary.code).toBe(2);
    expect(binary.stderr).toContain("-a image.png is not a text file");
    const missing = await gloo(["chat", "-a", "nope.txt", "hi"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read -a nope.txt");
  });
});
