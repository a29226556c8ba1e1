import { AccessToken, APIUserAbortError, TokenCache } from "@gloo-toolkit/sdk";
import { describe, expect, it } from "vitest";

/** A token fetcher whose answers the test releases by hand, on a fake clock. */
function harness(ttlSeconds = 3600, marginMs?: number) {
  let time = 1_000_000;
  let calls = 0;
  const pending: (() => void)[] = [];
  const signals: AbortSignal[] = [];
  const cache = new TokenCache({
    now: () => time,
    ...(marginMs === undefined ? {} : { refreshMarginMs: marginMs }),
    fetchToken: (signal) => {
      calls++;
      signals.push(signal);
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
    signals,
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

  it("serves the cached token until the refresh margin, then renews once in the background", async () => {
    const h = harness(3600, 60_000);
    const first = h.cache.get();
    h.release();
    await first;
    h.advance(3600_000 - 60_001);
    expect((await h.cache.get()).accessToken).toBe("token-1");
    expect(h.calls()).toBe(1);
    h.advance(2);
    // Past the refresh point the token is still valid: callers get it at once, one renewal starts.
    const during = await Promise.all([h.cache.get(), h.cache.get(), h.cache.peek()]);
    expect(during.map((token) => token?.accessToken)).toEqual(["token-1", "token-1", "token-1"]);
    expect(h.calls()).toBe(2);
    h.release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect((await h.cache.get()).accessToken).toBe("token-2");
    expect(h.calls()).toBe(2);
  });

  it("callers wait for a token once the cached one has expired", async () => {
    const h = harness(3600, 60_000);
    const first = h.cache.get();
    h.release();
    await first;
    h.advance(3600_000);
    expect(h.cache.peek()).toBeUndefined();
    const waiting = [h.cache.get(), h.cache.get()];
    h.release();
    expect((await Promise.all(waiting)).map((token) => token.accessToken)).toEqual(["token-2", "token-2"]);
    expect(h.calls()).toBe(2);
  });

  it("caps the margin at half the lifetime of a short-lived token", async () => {
    const h = harness(30, 60_000);
    const first = h.cache.get();
    h.release();
    await first;
    h.advance(14_000);
    expect(h.cache.peek()?.accessToken).toBe("token-1");
    expect(h.calls()).toBe(1);
    h.advance(2_000);
    expect(h.cache.peek()?.accessToken).toBe("token-1");
    expect(h.calls()).toBe(2);
    h.advance(14_000);
    expect(h.cache.peek()).toBeUndefined();
  });

  it("a background renewal that fails rejects nothing, and the next call past the refresh point tries again", async () => {
    let time = 0;
    let calls = 0;
    const cache = new TokenCache({
      now: () => time,
      refreshMarginMs: 10_000,
      fetchToken: async () => {
        calls++;
        if (calls === 2) throw new Error("token endpoint down");
        return new AccessToken({ accessToken: `t${calls}`, expiresIn: 60, expiresAt: time + 60_000 });
      },
    });
    await cache.get();
    time = 55_000;
    expect((await cache.get()).accessToken).toBe("t1");
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls).toBe(2);
    expect((await cache.get()).accessToken).toBe("t1");
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls).toBe(3);
    expect((await cache.get()).accessToken).toBe("t3");
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

  it("the shared request is aborted once every caller waiting for it has left", async () => {
    const h = harness();
    const one = new AbortController();
    const two = new AbortController();
    const first = h.cache.get({ signal: one.signal });
    const second = h.cache.get({ signal: two.signal });
    one.abort();
    await expect(first).rejects.toBeInstanceOf(APIUserAbortError);
    expect(h.signals[0]?.aborted).toBe(false);
    two.abort();
    await expect(second).rejects.toBeInstanceOf(APIUserAbortError);
    expect(h.signals[0]?.aborted).toBe(true);
    // A caller arriving now starts a fresh request rather than joining the abandoned one.
    const third = h.cache.get();
    h.release();
    expect((await third).accessToken).toBe("token-2");
  });

  it("a background renewal is not aborted: nobody waits for it, yet its token is wanted", async () => {
    const h = harness(100, 10_000);
    const first = h.cache.get();
    h.release();
    await first;
    h.advance(95_000);
    const controller = new AbortController();
    expect((await h.cache.get({ signal: controller.signal })).accessToken).toBe("token-1");
    controller.abort();
    expect(h.calls()).toBe(2);
    expect(h.signals[1]?.aborted).toBe(false);
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
