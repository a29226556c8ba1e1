import { BUDGET_WARNING_HEADER, createProxy, type ProxyPricing } from "@gloo-toolkit/servers";
import { describe, expect, it } from "vitest";
import { fakeUpstream, proxyRequest, sseEvent } from "../helpers/fake-upstream.js";
import { countingRate, memoryBudget } from "../helpers/memory-limits.js";

const answer = (model: string) => ({
  id: "chatcmpl-1",
  object: "chat.completion",
  model,
  choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
  usage: { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 },
});
const chat = (extra: Record<string, unknown> = {}) =>
  proxyRequest("/v2/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ auto_routing: true, messages: [{ role: "user", content: "hello" }], ...extra }),
  });

/** Sends a chat request through the proxy and reads the whole answer (settling happens at its end). */
async function send(proxy: { fetch(request: Request): Promise<Response> }, extra?: Record<string, unknown>) {
  const response = await proxy.fetch(chat(extra));
  return { response, text: await response.text() };
}

// Amounts in nano-dollars: worst case $0.10 a request; actual $0.003 per prompt token and $0.01
// per completion token.
const CENT = 10_000_000;
const seen: { usage: unknown; model: unknown }[] = [];
const pricing: ProxyPricing = {
  worstCase: () => 10 * CENT,
  actual(_api, _body, usage, model) {
    seen.push({ usage, model });
    return usage.promptTokens * 0.3 * CENT + usage.completionTokens * CENT;
  },
};

describe("createProxy with a shared spend budget", () => {
  it("reserves the worst case, settles to the answer's usage and model, and refuses what no longer fits", async () => {
    const windowEndsAt = Date.now() + 3_600_000;
    const { budget, state, calls } = memoryBudget(30 * CENT, windowEndsAt);
    const upstream = fakeUpstream(() => Response.json(answer("gloo-openai-gpt-5-mini")));
    const proxy = createProxy({ gloo: upstream, budget: { store: budget, pricing } });
    const { response: first } = await send(proxy);
    expect(first.status).toBe(200);
    expect(first.headers.get(BUDGET_WARNING_HEADER)).toBeNull();
    expect(seen.at(-1)).toEqual({
      usage: { promptTokens: 7, completionTokens: 2, model: "gloo-openai-gpt-5-mini" },
      model: "gloo-openai-gpt-5-mini",
    });
    expect(state).toMatchObject({ spent: 4.1 * CENT, reserved: 0 });
    // $0.041 spent and two $0.10 held at once fit in $0.30.
    await Promise.all([send(proxy), send(proxy)]);
    expect(state.spent).toBe(12.3 * CENT);
    // $0.123 + $0.10 held = 74 %: no warning yet. At $0.15 spent, $0.25 with the hold = 83 %: warned.
    expect((await send(proxy)).response.headers.get(BUDGET_WARNING_HEADER)).toBeNull();
    state.spent = 15 * CENT;
    const { response: warned } = await send(proxy);
    expect(warned.status).toBe(200);
    expect(warned.headers.get(BUDGET_WARNING_HEADER)).toBe("83% of the $0.30 budget is spent or held");
    expect(calls.filter((call) => call.startsWith("reserve"))).toHaveLength(5);
    state.spent = 25 * CENT;
    const { response: refused, text } = await send(proxy);
    expect(refused.status).toBe(429);
    const body = JSON.parse(text) as { error: { code: string; type: string; message: string } };
    expect(body.error.code).toBe("budget_exceeded");
    expect(body.error.type).toBe("budget_exceeded");
    expect(body.error.message).toContain(new Date(windowEndsAt).toISOString());
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(3590);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(upstream.requests).toHaveLength(5);
    const metrics = proxy.metrics.render();
    expect(metrics).toContain('gloo_proxy_budget_rejections_total{reason="budget_exceeded"} 1');
    // Five answers at $0.041 each.
    expect(metrics).toMatch(/gloo_proxy_spend_usd_total\{model="gloo-openai-gpt-5-mini"\} 0\.205\d*\n/);
    expect(metrics).toMatch(/gloo_proxy_budget_remaining_usd 0\.05\d*\n/);
  });

  it("releases the reservation when the platform fails, and records the worst case for a stream without usage", async () => {
    const { budget, state, calls } = memoryBudget(100 * CENT);
    let mode: "fail" | "stream" = "fail";
    const upstream = fakeUpstream(() =>
      mode === "fail"
        ? Response.json({ detail: "down" }, { status: 503 })
        : new Response(
            sseEvent({ choices: [{ index: 0, delta: { content: "x" }, finish_reason: "stop" }] }),
            {
              headers: { "content-type": "text/event-stream" },
            },
          ),
    );
    const proxy = createProxy({ gloo: upstream, budget: { store: budget, pricing } });
    const failed = await proxy.fetch(chat());
    expect(failed.status).toBe(503);
    await failed.text();
    expect(calls).toEqual([`reserve ${10 * CENT}`, "release"]);
    expect(state).toMatchObject({ spent: 0, reserved: 0 });
    mode = "stream";
    await send(proxy, { stream: true });
    expect(calls.at(-1)).toBe(`settle ${10 * CENT}`);
    expect(state).toMatchObject({ spent: 10 * CENT, reserved: 0 });
  });

  it("fails closed with a 503 when the budget store does not answer", async () => {
    const upstream = fakeUpstream(() => Response.json(answer("m")));
    const store = memoryBudget(1_000).budget;
    store.reserve = async () => {
      throw new Error("Connection is closed.");
    };
    const proxy = createProxy({ gloo: upstream, budget: { store, pricing } });
    const response = await proxy.fetch(chat());
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      "shared_limits_unavailable",
    );
    expect(upstream.requests).toHaveLength(0);
  });
});

describe("createProxy with a shared request rate", () => {
  it("answers 429 rate_limited with Retry-After in whole seconds once the rate is used up, sending nothing", async () => {
    const upstream = fakeUpstream(() => Response.json(answer("m")));
    const proxy = createProxy({ gloo: upstream, rateLimit: countingRate(2, 1_200) });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await send(proxy));
    expect(answers.map((a) => a.response.status)).toEqual([200, 200, 429]);
    expect(answers[2]?.response.headers.get("retry-after")).toBe("2");
    expect(JSON.parse(answers[2]?.text ?? "").error.code).toBe("rate_limited");
    expect(upstream.requests).toHaveLength(2);
    expect(proxy.metrics.render()).toContain('gloo_proxy_budget_rejections_total{reason="rate_limited"} 1');
  });
});
