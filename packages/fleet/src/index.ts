export type { Redis } from "ioredis";
export {
  type BatchProgress,
  type BatchRun,
  type QueuedLine,
  type SubmitOptions,
  submitBatch,
} from "./batch-queue.js";
export {
  type BatchWorker,
  type BatchWorkerOptions,
  type LineOutcome,
  type SendLine,
  startBatchWorker,
} from "./batch-worker.js";
export {
  type BudgetReservation,
  type BudgetState,
  createRedisBudget,
  type RedisBudgetOptions,
  type SharedBudget,
} from "./budget.js";
export {
  type ConnectOptions,
  checkEvictionPolicy,
  connectRedis,
  parseRedisURL,
  redacted,
} from "./connection.js";
export { FleetConfigError } from "./errors.js";
export { type BatchJobData, type BatchOutput, jobId, runIdOf } from "./internal/batch-keys.js";
export {
  createRedisRateLimiter,
  type RateDecision,
  type RedisRateLimiterOptions,
  type SharedRateLimiter,
} from "./rate-limiter.js";
