import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../src/errors.js";
import { listen } from "../src/internal/listen.js";

let taken: Server;
let port: number;

beforeAll(async () => {
  taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
  port = (taken.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((resolve) => taken.close(resolve));
});

const handler = () => new Response("ok");

describe("listen", () => {
  it("turns a port in use into a usage error with the flag that fixes it", async () => {
    const given = listen(handler, { port, host: "127.0.0.1", command: "gloo emulator", portGiven: true });
    await expect(given).rejects.toThrow(UsageError);
    await expect(given).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use.`);
    await expect(given).rejects.toMatchObject({
      hint: "Pick another with --port N, or --port 0 for a free one.",
    });
  });

  it("says when the taken port is the command's default, and that another may be running", async () => {
    const byDefault = listen(handler, { port, host: "127.0.0.1", command: "gloo proxy", portGiven: false });
    await expect(byDefault).rejects.toMatchObject({
      message: `port ${port} on 127.0.0.1 is already in use (gloo proxy's default).`,
      hint: "Pick another with --port N, or --port 0 for a free one; or stop the other gloo proxy.",
    });
  });
});
