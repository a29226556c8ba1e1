// The packages as a registry user gets them: `npm pack` of the four workspaces, installed from
// the tarballs into a fresh project outside the repository, then linted, type-checked as a
// strict consumer would, and run on the minimum Node of the engines range, Node 24, Deno and Bun.
// `npm test` builds first; run `npx tsc -b` before running this file alone. Every tool comes from
// the repository's devDependencies (and runtimes/, integrations/): nothing is downloaded here.
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Finished, runProcess, type Started, startServer } from "./helpers/processes.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const FIXTURES = fileURLToPath(new URL("./fixtures/consumer/", import.meta.url));
const WORKSPACES = ["sdk", "servers", "fleet", "cli"] as const;
const REPOSITORY = "https://github.com/gloo-toolkit/gloo-toolkit";
const TOOLS = {
  tsc: join(ROOT, "node_modules/typescript/bin/tsc"),
  publint: join(ROOT, "node_modules/publint/src/cli.js"),
  attw: join(ROOT, "node_modules/@arethetypeswrong/cli/dist/index.js"),
};
const RUNTIMES = {
  nodeMin: join(ROOT, "runtimes/node_modules/node-min/bin/node"),
  node24: join(ROOT, "integrations/node_modules/node/bin/node"),
  deno: join(ROOT, "runtimes/node_modules/.bin/deno"),
  bun: join(ROOT, "runtimes/node_modules/.bin/bun"),
};

// A bound, not an expectation: quiet, the file takes about 20 s; on a machine shared with other
// builds, three type checks of @types/node at once have taken over 30 s.
const SLOW = 180_000;

interface Packed {
  name: string;
  filename: string;
  files: { path: string }[];
}

let dir: string;
let project: string;
let packed: Packed[];
let emulator: Started;
let environment: Record<string, string | undefined>;

const inProject = (command: string, args: string[], env = environment) =>
  runProcess(command, args, { cwd: project, env });
const tarball = (name: string) => join(dir, packed.find((entry) => entry.name === name)?.filename ?? name);
const installedManifest = async (workspace: string) =>
  JSON.parse(await readFile(join(project, "node_modules/@gloo-toolkit", workspace, "package.json"), "utf8"));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "gloo-packages-"));
  project = join(dir, "consumer");
  await mkdir(project);
  const pack = await runProcess("npm", ["pack", "--workspaces", "--json", "--pack-destination", dir], {
    cwd: ROOT,
  });
  expect(pack.code, pack.stderr).toBe(0);
  packed = JSON.parse(pack.stdout) as Packed[];
  const typesNode = JSON.parse(await readFile(join(ROOT, "node_modules/@types/node/package.json"), "utf8"));
  const dependencies = Object.fromEntries(
    WORKSPACES.map((workspace) => [
      `@gloo-toolkit/${workspace}`,
      `file:${tarball(`@gloo-toolkit/${workspace}`)}`,
    ]),
  );
  await writeFile(
    join(project, "package.json"),
    JSON.stringify({
      name: "consumer",
      private: true,
      type: "module",
      dependencies,
      devDependencies: { "@types/node": typesNode.version },
    }),
  );
  // Offline in practice: the tarballs are local and `npm ci` has cached @types/node.
  const install = await runProcess(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock"],
    { cwd: project },
  );
  expect(install.code, install.stderr).toBe(0);
  for (const file of ["consumer.ts", "consumer.mjs", "consumer.cjs", "calls.mjs"]) {
    await copyFile(join(FIXTURES, file), join(project, file));
  }
  emulator = await startServer("npx", ["gloo", "emulator", "--port", "0"], { cwd: project });
  environment = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DENO_DIR: join(dir, "deno"),
    GLOO_BASE: emulator.url,
    GLOO_CLIENT_ID: "emulator-client",
    GLOO_CLIENT_SECRET: "emulator-secret",
  };
}, SLOW);

afterAll(async () => {
  await emulator?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe("the tarballs", { timeout: SLOW }, () => {
  it.each(WORKSPACES)(
    "@gloo-toolkit/%s ships a README that says ESM-only, the licence, and links",
    async (name) => {
      const entry = packed.find((candidate) => candidate.name === `@gloo-toolkit/${name}`);
      const paths = entry?.files.map((file) => file.path) ?? [];
      expect(paths).toEqual(expect.arrayContaining(["README.md", "LICENSE", "package.json"]));
      expect(paths.filter((path) => path.includes(".test.") || path.endsWith(".tsbuildinfo"))).toEqual([]);
      const readme = await readFile(join(project, "node_modules/@gloo-toolkit", name, "README.md"), "utf8");
      expect(readme).toContain("ESM only");
      expect(readme).toContain("20.19");
      const manifest = await installedManifest(name);
      expect(manifest.repository).toEqual({
        type: "git",
        url: `git+${REPOSITORY}.git`,
        directory: `packages/${name}`,
      });
      expect(manifest.homepage).toBe(`${REPOSITORY}/tree/main/packages/${name}#readme`);
      expect(manifest.bugs).toEqual({ url: `${REPOSITORY}/issues` });
      expect(manifest.engines).toEqual({ node: "^20.19.0 || >=22.12.0" });
    },
  );

  it("npm publish would correct nothing in the manifests (the bin path among them)", async () => {
    for (const name of WORKSPACES) {
      const run = await runProcess(
        "npm",
        ["publish", "--dry-run", "--offline", `--workspace=packages/${name}`],
        {
          cwd: ROOT,
        },
      );
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).not.toMatch(/corrected|invalid/i);
    }
    expect((await installedManifest("cli")).bin).toEqual({ gloo: "bin.js" });
  });

  it.concurrent.for(WORKSPACES)(
    "@gloo-toolkit/%s passes publint --strict and attw --profile esm-only",
    async (name, { expect }) => {
      const file = tarball(`@gloo-toolkit/${name}`);
      const [lint, types] = await Promise.all([
        inProject(process.execPath, [TOOLS.publint, "--strict", file]),
        inProject(process.execPath, [TOOLS.attw, "--profile", "esm-only", "--format", "json", file]),
      ]);
      expect(lint.code, lint.stdout + lint.stderr).toBe(0);
      expect(lint.stdout).toContain("All good!");
      expect(types.code, types.stdout + types.stderr).toBe(0);
      // The esm-only profile ignores require() from CommonJS resolution and node10 (the README's
      // "ESM only"); every ESM and bundler resolution must be clean.
      const report = JSON.parse(types.stdout) as { analysis: { problems: { resolutionKind?: string }[] } };
      const kinds = new Set(report.analysis.problems.map((problem) => problem.resolutionKind));
      expect([...kinds].filter((kind) => kind !== "node10" && kind !== "node16-cjs")).toEqual([]);
    },
  );
});

describe("a strict TypeScript consumer without the DOM library", { timeout: SLOW }, () => {
  const modes = [
    ["node16", "node16"],
    ["nodenext", "nodenext"],
    ["bundler", "preserve"],
  ] as const;

  it.concurrent.for(modes)("compiles under moduleResolution %s", async ([resolution, module], { expect }) => {
    const config = {
      compilerOptions: {
        module,
        moduleResolution: resolution,
        target: "es2022",
        lib: ["es2023"],
        types: ["node"],
        strict: true,
        exactOptionalPropertyTypes: true,
        skipLibCheck: false,
        noEmit: true,
      },
      files: ["consumer.ts"],
    };
    await writeFile(join(project, `tsconfig.${resolution}.json`), JSON.stringify(config));
    const run = await inProject(process.execPath, [TOOLS.tsc, "-p", `tsconfig.${resolution}.json`]);
    expect(run.stdout + run.stderr).toBe("");
    expect(run.code).toBe(0);
  });
});

function expectCalls(run: Finished): void {
  expect(run.code, run.stderr).toBe(0);
  expect(JSON.parse(run.stdout)).toMatchObject({
    json: "JSON-OK",
    stream: "STREAM-OK",
    requestId: expect.any(String),
  });
}

describe("installed, as a user runs it", { timeout: SLOW }, () => {
  it("npx gloo --help", async () => {
    const run = await inProject("npx", ["gloo", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: gloo <command>");
  });

  it("the ESM consumer script calls npx gloo emulator on this Node and on Node 24", async () => {
    const node24 = await inProject(RUNTIMES.node24, ["--version"]);
    expect(node24.stdout).toMatch(/^v24\./);
    expectCalls(await inProject(process.execPath, ["consumer.mjs"]));
    expectCalls(await inProject(RUNTIMES.node24, ["consumer.mjs"]));
  });

  it("the same script on Deno and Bun, from their npm packages", async () => {
    expect((await inProject(RUNTIMES.deno, ["--version"])).stdout).toMatch(/^deno 2\./);
    expect((await inProject(RUNTIMES.bun, ["--version"])).stdout).toMatch(/^1\./);
    expectCalls(
      await inProject(RUNTIMES.deno, [
        "run",
        "--allow-env",
        "--allow-net",
        "--allow-read",
        "--no-lock",
        "consumer.mjs",
      ]),
    );
    expectCalls(await inProject(RUNTIMES.bun, ["consumer.mjs"]));
  });
});

// The range `engines` declares starts where this Node is: every API the packages use exists
// there (AbortSignal.any 20.3, URL.parse 20.18), and require() loads ES modules (20.19).
describe("on the minimum Node of the engines range", { timeout: SLOW }, () => {
  it("is the version engines names", async () => {
    const minimum = /^\^(\d+\.\d+\.\d+) /.exec((await installedManifest("sdk")).engines.node)?.[1];
    expect((await inProject(RUNTIMES.nodeMin, ["--version"])).stdout.trim()).toBe(`v${minimum}`);
  });

  it("runs the ESM consumer script, and require() of all three packages", async () => {
    expectCalls(await inProject(RUNTIMES.nodeMin, ["consumer.mjs"]));
    const required = await inProject(RUNTIMES.nodeMin, ["consumer.cjs"]);
    expect(required.code, required.stderr).toBe(0);
    expect(JSON.parse(required.stdout)).toEqual({ json: "REQUIRE-OK", main: "function" });
  });

  it("gloo doctor passes and gloo proxy relays a completion", async () => {
    const gloo = join(project, "node_modules/@gloo-toolkit/cli/bin.js");
    const doctor = await inProject(RUNTIMES.nodeMin, [gloo, "doctor"]);
    expect(doctor.stdout + doctor.stderr).not.toMatch(/is not a function/);
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);
    const proxy = await startServer(RUNTIMES.nodeMin, [gloo, "proxy", "--port", "0"], {
      cwd: project,
      env: environment,
    });
    try {
      const response = await fetch(`${proxy.url}/v2/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          auto_routing: true,
          messages: [{ role: "user", content: "Reply with only: PROXY-OK" }],
        }),
      });
      expect(response.status).toBe(200);
      expect(
        ((await response.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message
          .content,
      ).toBe("PROXY-OK");
    } finally {
      await proxy.stop();
    }
  });
});
