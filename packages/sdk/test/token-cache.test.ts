import { AccessToken, APIUserAbortError, TokenCache } from "@gloo-toolkit/sdk";
import { describe, expect, it } from "vitest";

/** A token fetcher whose answers the test releases by hand, on a fake clock. */
function harness(ttlSeconds = 3600, marginMs?: number) {
  let time = 1_000_000;
  let calls = 0;
  const pending: (() => void)[] = [];
  const cache = new TokenCache({
    now: () => time,
    ...(marginMs === undefined ? {} : { refreshMarginMs: marginMs }),
    fetchToken: () => {
      calls++;
      const n = calls;
      return new Promise<AccessToken>((resolve) =>
        pending.push(() =>
          resolve(
            new AccessToken({
              accessToken: `token-${n}`,
              expiresIn: ttlSeconds,
              expiresAt: time + ttlSeconds * 1000,
            }),
          ),
        ),
      );
    },
  });
  return {
    cache,
    calls: () => calls,
    advance: (ms: number) => {
      time += ms;
    },
    release: () => {
      for (const resolve of pending.splice(0)) resolve();
    },
  };
}

describe("TokenCache", () => {
  it("shares one request among 100 callers on a cold cache", async () => {
    const h = harness();
    const waiting = Array.from({ length: 100 }, () => h.cache.get());
    h.release();
    const tokens = await Promise.all(waiting);
    expect(h.calls()).toBe(1);
    expect(new Set(tokens.map((token) => token.accessToken))).toEqual(new Set(["token-1"]));
  });

  it("serves the cached token until the refresh margin, then renews once", async () => {
    const h = harness(3600, 60_000);
    const first = h.cache.get();
    h.release();
    await first;
    h.advance(3600_000 - 60_001);
    expect((await h.cache.get()).accessToken).toBe("token-1");
    h.advance(2);
    const renewing = [h.cache.get(), h.cache.get()];
    h.release();
    expect((await Promise.all(renewing)).map((token) => token.accessToken)).toEqual(["token-2", "token-2"]);
    expect(h.calls()).toBe(2);
  });

  it("caps the margin at half the lifetime of a short-lived token", async () => {
    const h = harness(30, 60_000);
    const first = h.cache.get();
    h.release();
    await first;
    h.advance(14_000);
    expect(h.cache.peek()?.accessToken).toBe("token-1");
    h.advance(2_000);
    expect(h.cache.peek()).toBeUndefined();
  });

  it("invalidate(token) only drops that token", async () => {
    const h = harness();
    const first = h.cache.get();
    h.release();
    await first;
    h.cache.invalidate("some-older-token");
    expect(h.cache.peek()?.accessToken).toBe("token-1");
    h.cache.invalidate("token-1");
    expect(h.cache.peek()).toBeUndefined();
  });

  it("forceRefresh fetches a new token", async () => {
    const h = harness();
    const first = h.cache.get();
    h.release();
    await first;
    const forced = h.cache.get({ forceRefresh: true });
    h.release();
    expect((await forced).accessToken).toBe("token-2");
  });

  it("an aborted caller stops waiting while the shared request carries on", async () => {
    const h = harness();
    const controller = new AbortController();
    const impatient = h.cache.get({ signal: controller.signal });
    const patient = h.cache.get();
    controller.abort();
    await expect(impatient).rejects.toBeInstanceOf(APIUserAbortError);
    h.release();
    expect((await patient).accessToken).toBe("token-1");
    expect(h.calls()).toBe(1);
  });

  it("a failed request is not cached and the next caller tries again", async () => {
    let calls = 0;
    const cache = new TokenCache({
      fetchToken: async () => {
        calls++;
        if (calls === 1) throw new Error("boom");
        return new AccessToken({ accessToken: "ok", expiresIn: 60, expiresAt: Date.now() + 60_000 });
      },
    });
    await expect(cache.get()).rejects.toThrow("boom");
    expect((await cache.get()).accessToken).toBe("ok");
  });
});
