import { createProxyMetrics, LATENCY_BUCKETS, METRICS_CONTENT_TYPE } from "@gloo-toolkit/servers";
import { describe, expect, it } from "vitest";

const lines = (text: string) => text.split("\n");

describe("createProxyMetrics", () => {
  it("declares every metric with HELP and TYPE even before anything is recorded", () => {
    const text = createProxyMetrics().render();
    for (const [name, type] of [
      ["gloo_proxy_requests_total", "counter"],
      ["gloo_proxy_request_duration_seconds", "histogram"],
      ["gloo_proxy_upstream_responses_total", "counter"],
      ["gloo_proxy_prompt_tokens_total", "counter"],
      ["gloo_proxy_completion_tokens_total", "counter"],
      ["gloo_proxy_aborted_responses_total", "counter"],
    ]) {
      expect(text).toContain(`# TYPE ${name} ${type}\n`);
      expect(text).toMatch(new RegExp(`# HELP ${name} \\S`));
    }
    expect(METRICS_CONTENT_TYPE).toBe("text/plain; version=0.0.4; charset=utf-8");
  });

  it("counts requests per route and status, and upstream codes per route", () => {
    const metrics = createProxyMetrics();
    metrics.request("v1_chat", 200, 0.01);
    metrics.request("v1_chat", 200, 0.01);
    metrics.request("v2_chat", 429, 0.01);
    metrics.upstream("v2_chat", 429);
    const text = lines(metrics.render());
    expect(text).toContain('gloo_proxy_requests_total{route="v1_chat",status="200"} 2');
    expect(text).toContain('gloo_proxy_requests_total{route="v2_chat",status="429"} 1');
    expect(text).toContain('gloo_proxy_upstream_responses_total{route="v2_chat",code="429"} 1');
  });

  it("renders a cumulative histogram with +Inf, sum and count", () => {
    const metrics = createProxyMetrics();
    metrics.request("v1_chat", 200, 0.003);
    metrics.request("v1_chat", 200, 0.2);
    metrics.request("v1_chat", 200, 500);
    const text = lines(metrics.render());
    const bucket = (le: string) =>
      text.find((line) =>
        line.startsWith(`gloo_proxy_request_duration_seconds_bucket{route="v1_chat",le="${le}"}`),
      );
    expect(bucket("0.001")).toMatch(/ 0$/);
    expect(bucket("0.005")).toMatch(/ 1$/);
    expect(bucket("0.25")).toMatch(/ 2$/);
    expect(bucket("120")).toMatch(/ 2$/);
    expect(bucket("+Inf")).toMatch(/ 3$/);
    expect(text).toContain('gloo_proxy_request_duration_seconds_sum{route="v1_chat"} 500.203');
    expect(text).toContain('gloo_proxy_request_duration_seconds_count{route="v1_chat"} 3');
    expect(text.filter((line) => line.includes("_bucket{")).length).toBe(LATENCY_BUCKETS.length + 1);
  });

  it("adds up prompt and completion tokens and counts aborted responses by reason", () => {
    const metrics = createProxyMetrics();
    metrics.tokens("v2_chat", { promptTokens: 10, completionTokens: 4 });
    metrics.tokens("v2_chat", { promptTokens: 5, completionTokens: 1 });
    metrics.aborted("v2_chat", "client_closed");
    const text = lines(metrics.render());
    expect(text).toContain('gloo_proxy_prompt_tokens_total{route="v2_chat"} 15');
    expect(text).toContain('gloo_proxy_completion_tokens_total{route="v2_chat"} 5');
    expect(text).toContain('gloo_proxy_aborted_responses_total{route="v2_chat",reason="client_closed"} 1');
  });

  it("escapes backslashes, quotes and newlines in label values", () => {
    const metrics = createProxyMetrics();
    metrics.upstream('a"b\\c\nd', 200);
    expect(metrics.render()).toContain('{route="a\\"b\\\\c\\nd",code="200"} 1');
  });
});
