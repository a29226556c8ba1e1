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
export {
  createRedisRateLimiter,
  type RateDecision,
  type RedisRateLimiterOptions,
  type SharedRateLimiter,
} from "./rate-limiter.js";
