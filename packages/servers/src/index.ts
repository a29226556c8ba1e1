export {
  canonicalJSON,
  DEFAULT_IGNORED_FIELDS,
  matchKey,
  recordedBodyBytes,
  toRecordedBody,
} from "./cassette/canonical.js";
export {
  CASSETTE_FORMAT,
  CASSETTE_VERSION,
  type Cassette,
  formatCassette,
  type Interaction,
  parseCassette,
  type RecordedBody,
  type RecordedFrame,
  type RecordedRequest,
  type RecordedResponse,
} from "./cassette/format.js";
export {
  cassetteToHAR,
  type Har,
  type HarEntry,
  type HarNameValue,
  type HarOptions,
  PLATFORM_BASE_URL,
} from "./cassette/har.js";
export type { BodyDifference, NearestRecording } from "./cassette/nearest.js";
export {
  type RecordingFetch,
  type RecordingOptions,
  recordingFetch,
} from "./cassette/recorder.js";
export type { ReplayClock } from "./cassette/replay-response.js";
export {
  createReplayer,
  type Replayer,
  type ReplayMiss,
  type ReplayMode,
  type ReplayOptions,
} from "./cassette/replayer.js";
export {
  createScrubber,
  findSecrets,
  PLACEHOLDERS,
  SCRUBBED_PREFIX,
  type Scrubber,
  type ScrubberOptions,
  type SecretFinding,
} from "./cassette/scrub.js";
export {
  CORS_ALLOWED_HEADERS,
  CORS_ALLOWED_METHODS,
  CORS_EXPOSED_HEADERS,
  type CorsOrigins,
  parseCorsOrigins,
  withCors,
} from "./cors.js";
export { catalogueListing } from "./emulator/catalogue.js";
export {
  createEmulator,
  type Emulator,
  type EmulatorOptions,
} from "./emulator/emulator.js";
export {
  FAULT_HEADER,
  type FaultSpec,
  parseFaults,
  RATE_FAULTS,
  type RateFault,
} from "./emulator/faults.js";
export { compileScript, type Script, type ScriptRule } from "./emulator/script.js";
export {
  DROP_CONNECTION,
  type FetchHandler,
  type RunningServer,
  type ServeOptions,
  serve,
} from "./node-server.js";
export {
  createPlayground,
  type Playground,
  type PlaygroundOptions,
} from "./playground/playground.js";
export { bindRefusal, isLoopbackHost, loopbackViolation } from "./proxy/access.js";
export { createHttpFetch, type HttpFetch, type HttpFetchOptions } from "./proxy/http-fetch.js";
export {
  createProxyMetrics,
  LATENCY_BUCKETS,
  METRICS_CONTENT_TYPE,
  type ProxyMetrics,
  type TokenUsage,
} from "./proxy/metrics.js";
export {
  createProxy,
  type GlooProxy,
  type ProxyLogEntry,
  type ProxyOptions,
  type ProxyUpstream,
} from "./proxy/proxy.js";
export {
  NANO_USD,
  type ProxyBudgetOptions,
  type ProxyPricing,
  type SharedRequestRate,
  type SharedSpendBudget,
  type SpendBudgetState,
} from "./proxy/shared-limits.js";
export { BUDGET_WARNING_HEADER } from "./proxy/spend-guard.js";
