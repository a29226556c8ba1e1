// A local platform for the integration tests: the emulator on a loopback port (which can revoke
// the tokens it issued, to force a 401 on a token the client still holds), a Gloo client whose
// token requests are counted, and the proxy in front of it.
import { Gloo } from "@gloo-toolkit/sdk";
import { createEmulator, createProxy, type RunningServer, serve } from "@gloo-toolkit/servers";

export const V1_MODEL = "us.meta.llama3-3-70b-instruct-v1:0";
export const V2_MODEL = "gloo-openai-gpt-5-mini";
export const PROXY_KEY = "integration-proxy-key-0123456789";

export interface Platform {
  emulator: RunningServer;
  proxy: RunningServer;
  gloo: Gloo;
  /** Token requests the Gloo client has made so far. */
  tokenRequests(): number;
  /** Revokes every token issued so far: the client's cached token now gets a 401. */
  expireTokens(): void;
  close(): Promise<void>;
}

/** Starts the emulator and a proxy (with `key`, when given) in front of it. */
export async function startPlatform(options: { key?: string } = {}): Promise<Platform> {
  const platform = createEmulator({ seed: 1 });
  const emulator = await serve(platform.fetch, { port: 0 });
  let tokenRequests = 0;
  const gloo = new Gloo({
    clientId: "emulator-client",
    clientSecret: "emulator-secret",
    baseURL: emulator.url,
    fetch: (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.endsWith("/oauth2/token")) tokenRequests += 1;
      return fetch(input, init);
    },
  });
  const proxy = await serve(createProxy({ gloo, key: options.key }).fetch, { port: 0 });
  return {
    emulator,
    proxy,
    gloo,
    tokenRequests: () => tokenRequests,
    expireTokens: () => platform.revokeTokens(),
    close: async () => {
      await proxy.close();
      await emulator.close();
    },
  };
}

/** A prompt the emulator's model answers with exactly `text`. */
export const echo = (text: string) => [{ role: "user" as const, content: `Reply with only: ${text}` }];
