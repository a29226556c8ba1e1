/**
 * The proxy's Prometheus metrics, rendered in the text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/). Kept dependency-free: a counter
 * and a histogram keyed by label values are all the proxy needs.
 */

import { NANO_USD } from "./shared-limits.js";

/** Upper bounds (seconds) of the latency histogram: a loopback hop up to a long streamed answer. */
export const LATENCY_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
];

/** The `Content-Type` of {@link ProxyMetrics.render}'s output. */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Token counts as the platform reports them in `usage`. */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  /** The model named beside the usage (the routed model for v2 auto routing), when there is one. */
  model?: string;
}

/** What the proxy records; one instance per proxy. */
export interface ProxyMetrics {
  /** A request answered with `status` after `seconds` (for streams: once the body ended). */
  request(route: string, status: number, seconds: number): void;
  /** The status code the platform answered with. */
  upstream(route: string, status: number): void;
  /** Tokens from a response's `usage` (JSON body, or the usage chunk of a stream). */
  tokens(route: string, usage: TokenUsage): void;
  /** A response cut short: the client left, or the upstream body failed mid-way. */
  aborted(route: string, reason: "client_closed" | "upstream_error"): void;
  /** Estimated spend of one settled request, in US dollars. */
  spend(model: string, usd: number): void;
  /** The shared budget's figures as last seen, in nano-dollars. */
  budget(limit: number, spent: number, reserved: number): void;
  /** A request turned away by the shared rate limit or the spend budget. */
  budgetRejection(reason: "rate_limited" | "budget_exceeded" | "cannot_price_request"): void;
  /** The metrics in the Prometheus text format. */
  render(): string;
}

/**
 * Creates an empty metrics registry for one proxy.
 * @example
 * const metrics = createProxyMetrics();
 * metrics.request("v1_chat", 200, 0.012);
 * metrics.render(); // "# HELP gloo_proxy_requests_total …"
 */
export function createProxyMetrics(): ProxyMetrics {
  const requests = counter("gloo_proxy_requests_total", "Requests answered by the proxy.");
  const duration = histogram(
    "gloo_proxy_request_duration_seconds",
    "Time from receiving a request to the end of its response body.",
  );
  const upstream = counter("gloo_proxy_upstream_responses_total", "Responses from the Gloo platform.");
  const prompt = counter("gloo_proxy_prompt_tokens_total", "Prompt tokens reported in usage.");
  const completion = counter("gloo_proxy_completion_tokens_total", "Completion tokens reported in usage.");
  const aborted = counter("gloo_proxy_aborted_responses_total", "Responses cut short, by reason.");
  const spend = counter(
    "gloo_proxy_spend_usd_total",
    "Estimated spend of requests this proxy settled, in USD.",
  );
  const remaining = gauge(
    "gloo_proxy_budget_remaining_usd",
    "The shared budget minus its spend in the current window, in USD, as last seen.",
  );
  const reserved = gauge(
    "gloo_proxy_budget_reserved_usd",
    "Held by requests in flight on every proxy, in USD.",
  );
  const rejections = counter(
    "gloo_proxy_budget_rejections_total",
    "Requests refused with a 429 by the shared rate limit or the spend budget.",
  );
  return {
    request(route, status, seconds) {
      requests.add({ route, status: String(status) }, 1);
      duration.observe({ route }, seconds);
    },
    upstream(route, status) {
      upstream.add({ route, code: String(status) }, 1);
    },
    tokens(route, usage) {
      prompt.add({ route }, usage.promptTokens);
      completion.add({ route }, usage.completionTokens);
    },
    aborted(route, reason) {
      aborted.add({ route, reason }, 1);
    },
    spend(model, usd) {
      spend.add({ model }, usd);
    },
    budget(limit, spent, held) {
      remaining.set((limit - spent) / NANO_USD);
      reserved.set(held / NANO_USD);
    },
    budgetRejection(reason) {
      rejections.add({ reason }, 1);
    },
    render() {
      const all = [
        requests,
        duration,
        upstream,
        prompt,
        completion,
        aborted,
        spend,
        remaining,
        reserved,
        rejections,
      ];
      return all.map((m) => m.render()).join("");
    },
  };
}

type Labels = Record<string, string>;

function counter(name: string, help: string) {
  const values = new Map<string, { text: string; value: number }>();
  return {
    add(labels: Labels, amount: number) {
      const key = seriesKey(labels);
      const entry = values.get(key);
      if (entry === undefined) values.set(key, { text: labelText(labels), value: amount });
      else entry.value += amount;
    },
    render() {
      const lines = [...values.values()].map(({ text, value }) => `${name}${text} ${value}\n`);
      return header(name, help, "counter") + lines.join("");
    },
  };
}

// A gauge without labels: one value, rendered once it has been set.
function gauge(name: string, help: string) {
  let value: number | undefined;
  return {
    set(next: number) {
      value = next;
    },
    render() {
      return header(name, help, "gauge") + (value === undefined ? "" : `${name} ${value}\n`);
    },
  };
}

interface Series {
  labels: Labels;
  buckets: number[];
  sum: number;
  count: number;
}

function histogram(name: string, help: string) {
  const series = new Map<string, Series>();
  return {
    observe(labels: Labels, value: number) {
      const key = seriesKey(labels);
      let entry = series.get(key);
      if (entry === undefined) {
        entry = { labels, buckets: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 };
        series.set(key, entry);
      }
      // Counted in the first bucket it fits; render adds them up (the format's buckets are cumulative).
      let i = 0;
      while (i < LATENCY_BUCKETS.length && !(value <= (LATENCY_BUCKETS[i] as number))) i++;
      if (i < LATENCY_BUCKETS.length) entry.buckets[i] = (entry.buckets[i] ?? 0) + 1;
      entry.sum += value;
      entry.count += 1;
    },
    render() {
      let text = header(name, help, "histogram");
      for (const { labels, buckets, sum, count } of series.values()) {
        let cumulative = 0;
        LATENCY_BUCKETS.forEach((bound, i) => {
          cumulative += buckets[i] ?? 0;
          text += `${name}_bucket${labelText({ ...labels, le: String(bound) })} ${cumulative}\n`;
        });
        text += `${name}_bucket${labelText({ ...labels, le: "+Inf" })} ${count}\n`;
        text += `${name}_sum${labelText(labels)} ${sum}\n`;
        text += `${name}_count${labelText(labels)} ${count}\n`;
      }
      return text;
    },
  };
}

function header(name: string, help: string, type: "counter" | "gauge" | "histogram"): string {
  return `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n`;
}

// The map key of a series: its label values in order (each call site passes the same names in the
// same order), joined by a character no route, status or reason contains. Escaping waits for render.
function seriesKey(labels: Labels): string {
  let key = "";
  for (const name in labels) key += `${labels[name] as string}\u0000`;
  return key;
}

// Label values escape backslash, double quote and line feed (exposition format 0.0.4).
function labelText(labels: Labels): string {
  const pairs = Object.entries(labels).map(
    ([key, value]) => `${key}="${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`,
  );
  return pairs.length === 0 ? "" : `{${pairs.join(",")}}`;
}
