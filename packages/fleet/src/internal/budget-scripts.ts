// The budget's Lua scripts. Redis runs each script atomically, so "is there room?" and "take it"
// are one step: concurrent reservations from any number of hosts can never overshoot the limit
// (the check-then-record race behind LiteLLM's budget bypasses, BerriAI/litellm#40095).
//
// Keys: KEYS[1] the budget hash (spent, reserved, ends), KEYS[2] the reservations hash
// (id -> amount), KEYS[3] the reservations' deadlines (sorted set, score = deadline in ms).
// Amounts are integers in the caller's unit; the clock is Redis's own TIME, one clock for every
// host. Shared preamble: read the clock, start a new window when the current one has ended, and
// count reservations past their deadline as spent at their worst case (their holder died without
// settling; the request may well have been charged, so releasing them could overshoot).
const PREAMBLE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local ends = tonumber(redis.call('HGET', KEYS[1], 'ends') or '0')
if window > 0 and (ends == 0 or now >= ends) then
  ends = now + window
  redis.call('HSET', KEYS[1], 'spent', 0, 'ends', ends)
end
local stale = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
for _, id in ipairs(stale) do
  local amount = tonumber(redis.call('HGET', KEYS[2], id) or '0')
  redis.call('HDEL', KEYS[2], id)
  redis.call('ZREM', KEYS[3], id)
  redis.call('HINCRBY', KEYS[1], 'reserved', -amount)
  redis.call('HINCRBY', KEYS[1], 'spent', amount)
end
local function state()
  return {
    tonumber(redis.call('HGET', KEYS[1], 'spent') or '0'),
    tonumber(redis.call('HGET', KEYS[1], 'reserved') or '0'),
    ends,
  }
end
`;

/**
 * ARGV: window ms (0 = never resets), id, amount, limit, ttl ms. Returns {granted (1/0), spent,
 * reserved, window end}. Reserving an id that already holds a reservation grants it again without
 * taking more (a job delivered twice reserves once).
 */
export const RESERVE = `${PREAMBLE}
local id, amount, limit, ttl = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
if redis.call('HEXISTS', KEYS[2], id) == 1 then
  redis.call('ZADD', KEYS[3], now + ttl, id)
  local s = state()
  return {1, s[1], s[2], s[3]}
end
local s = state()
if s[1] + s[2] + amount > limit then return {0, s[1], s[2], s[3]} end
redis.call('HSET', KEYS[2], id, amount)
redis.call('ZADD', KEYS[3], now + ttl, id)
redis.call('HINCRBY', KEYS[1], 'reserved', amount)
s = state()
return {1, s[1], s[2], s[3]}
`;

/**
 * ARGV: window ms, id, actual amount (-1 = release: nothing was spent). Turns the reservation into
 * spend (or drops it). An id with no reservation — already settled, released or expired — changes
 * nothing, so settling twice counts once. Returns {settled (1/0), spent, reserved, window end}.
 */
export const SETTLE = `${PREAMBLE}
local id, actual = ARGV[2], tonumber(ARGV[3])
local held = redis.call('HGET', KEYS[2], id)
if not held then
  local s = state()
  return {0, s[1], s[2], s[3]}
end
redis.call('HDEL', KEYS[2], id)
redis.call('ZREM', KEYS[3], id)
redis.call('HINCRBY', KEYS[1], 'reserved', -tonumber(held))
if actual > 0 then redis.call('HINCRBY', KEYS[1], 'spent', actual) end
local s = state()
return {1, s[1], s[2], s[3]}
`;

/** ARGV: window ms. Returns {spent, reserved, window end} after the preamble's housekeeping. */
export const STATE = `${PREAMBLE}
return state()
`;
