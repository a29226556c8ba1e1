import { existsSync, readFileSync } from "node:fs";
import { chmod, readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempDir } from "./helpers/cli.js";
import { spawnServer, until } from "./helpers/spawned-server.js";

const BANNER = /^Gloo playground on (http:\/\/127\.0\.0\.1:\d+)$/;

describe("gloo playground", () => {
  it("without credentials, serves the page on an embedded emulator and says so; stops on SIGTERM", async () => {
    const server = await spawnServer(["playground", "--port", "0"], {}, BANNER);
    try {
      expect(server.stdout().split("\n")[1]).toMatch(
        /^Talking to an embedded emulator at http:\/\/127\.0\.0\.1:\d+: GLOO_CLIENT_ID \/ GLOO_CLIENT_SECRET are not set\.$/,
      );
      const info = (await (await fetch(`${server.url}/api/info`)).json()) as {
        upstream: string;
        baseURL: string;
      };
      expect(info.upstream).toBe("emulator");
      const page = await fetch(server.url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("<title>Gloo playground</title>");
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it("--open hands the URL to the system's opener", async () => {
    const dir = await tempDir();
    const opened = join(dir, "opened.txt");
    await writeFile(join(dir, "xdg-open"), `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`);
    await chmod(join(dir, "xdg-open"), 0o755);
    const server = await spawnServer(
      ["playground", "--port", "0", "--open"],
      { PATH: `${dir}:${process.env.PATH}` },
      BANNER,
    );
    try {
      expect(await until(() => existsSync(opened) && readFileSync(opened, "utf8") !== "")).toBe(true);
      expect(await readFile(opened, "utf8")).toBe(server.url);
    } finally {
      await server.stop();
    }
  });

  it("refuses a non-loopback --host: the page would spend the credentials for anyone", async () => {
    const run = await runCli(["playground", "--host", "0.0.0.0"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("refusing to listen on 0.0.0.0");
    expect(run.stderr).toContain("ssh -L");
  });

  it("refuses GLOO_BASE without credentials rather than quietly using the emulator", async () => {
    const run = await runCli(["playground", "--port", "0"], {
      env: { GLOO_BASE: "https://platform.example" },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("GLOO_BASE is set to https://platform.example but GLOO_CLIENT_ID");
    expect(run.stderr).toContain("to run the playground on the embedded emulator");
  });

  it("a port in use is a usage error naming the flag", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as { port: number };
    try {
      const run = await runCli(["playground", "--port", String(port)]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it("--help names the flags", async () => {
    const run = await runCli(["playground", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: gloo playground [--port N] [--host H] [--open] [--base URL]");
  });
});
