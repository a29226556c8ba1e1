/** A platform emulator running in this process on a loopback port, for `gloo quickstart` without credentials. */
export interface EmbeddedEmulator {
  /** e.g. `http://127.0.0.1:43117` */
  url: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

/**
 * Starts the emulator on 127.0.0.1, port 0 (a free one). It is served over real HTTP rather than an
 * in-process fetch so the quickstart exercises exactly the path it would take to the platform.
 */
export async function startEmbeddedEmulator(): Promise<EmbeddedEmulator> {
  // Loaded lazily: only the credential-less quickstart needs the servers package.
  const { createEmulator, serve } = await import("@gloo-toolkit/servers");
  const clientId = "emulator-client";
  const clientSecret = "emulator-secret";
  const emulator = createEmulator({ clientId, clientSecret });
  const server = await serve(emulator.fetch, { port: 0, host: "127.0.0.1" });
  return { url: server.url, clientId, clientSecret, close: () => server.close() };
}
