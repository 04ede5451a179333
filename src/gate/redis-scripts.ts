/**
 * Lua run inside Redis, so each step is atomic across instances and timed by the Redis server's
 * clock. The bucket rules are those of token-bucket.ts, written again in Lua because atomicity
 * needs them server-side; the shared-mode tests run the same sequences through both stores.
 * Floats travel as strings: Redis truncates Lua numbers to integers.
 */
const now = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local EPS = 1e-9
local WINDOW = 60000`;

/** Reads a bucket (KEYS[h], KEYS[z], rate, burst) refilled to now; defines tokens, updated. */
const readBucket = `local function bucket(h, z, rate, burst)
  local v = redis.call('HMGET', h, 't', 'u')
  local tokens = tonumber(v[1]) or burst
  local updated = tonumber(v[2]) or now
  tokens = math.min(burst, tokens + math.max(0, now - updated) * rate / 60000)
  redis.call('ZREMRANGEBYSCORE', z, '-inf', now - WINDOW)
  return tokens, math.max(now, updated)
end`;

/** KEYS: hash, usage zset per claim. ARGV: cost, n, (rate, burst) per claim, member suffix. */
export const TAKE_TOKENS = `${now}
${readBucket}
local cost = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local got = {}
for i = 1, n do
  local rate, burst = tonumber(ARGV[1 + 2 * i]), tonumber(ARGV[2 + 2 * i])
  local tokens, updated = bucket(KEYS[2 * i - 1], KEYS[2 * i], rate, burst)
  if tokens + EPS < cost then
    return {0, i, tostring((cost - tokens) * 60000 / rate), redis.call('ZCARD', KEYS[2 * i])}
  end
  got[i] = {tokens, updated, rate, burst}
end
local remaining = -1
for i = 1, n do
  local tokens = math.max(0, got[i][1] - cost)
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  redis.call('HSET', h, 't', tostring(tokens), 'u', got[i][2])
  redis.call('PEXPIRE', h, math.ceil(got[i][4] * 60000 / got[i][3]) + WINDOW)
  redis.call('ZADD', z, now, now .. ':' .. ARGV[#ARGV])
  redis.call('PEXPIRE', z, WINDOW + 1000)
  local whole = math.floor(tokens + EPS)
  if remaining < 0 or whole < remaining then remaining = whole end
end
return {1, now, remaining}`;

/** KEYS: hash, usage zset per claim. ARGV: cost, atMs, n, (rate, burst) per claim. */
export const REFUND_TOKENS = `${now}
${readBucket}
local cost, at, n = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3])
for i = 1, n do
  local rate, burst = tonumber(ARGV[2 + 2 * i]), tonumber(ARGV[3 + 2 * i])
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  local tokens, updated = bucket(h, z, rate, burst)
  redis.call('HSET', h, 't', tostring(math.min(burst, tokens + cost)), 'u', updated)
  local mine = redis.call('ZRANGEBYSCORE', z, at, at, 'LIMIT', 0, 1)
  if mine[1] then redis.call('ZREM', z, mine[1]) end
end
return 1`;

/** KEYS: hash, usage zset. ARGV: rate, burst. Returns tokens (string), usage. */
export const READ_BUCKET = `${now}
${readBucket}
local tokens = bucket(KEYS[1], KEYS[2], tonumber(ARGV[1]), tonumber(ARGV[2]))
return {tostring(tokens), redis.call('ZCARD', KEYS[2])}`;

/** Drops expired leases of a pool (KEYS z, w) and returns the weight in use. */
const poolUse = `local function used(z, w)
  local expired = redis.call('ZRANGEBYSCORE', z, '-inf', now)
  if #expired > 0 then
    redis.call('ZREMRANGEBYSCORE', z, '-inf', now)
    redis.call('HDEL', w, unpack(expired))
  end
  local sum = 0
  for _, weight in ipairs(redis.call('HVALS', w)) do sum = sum + tonumber(weight) end
  return sum
end`;

/** Records (or extends) `holder`'s lease of `weight` in one pool until now + lease. */
const hold = `local function hold(z, w, holder, weight, lease)
  redis.call('ZADD', z, now + lease, holder)
  redis.call('HSET', w, holder, weight)
  redis.call('PEXPIRE', z, lease * 2)
  redis.call('PEXPIRE', w, lease * 2)
end`;

/** KEYS: lease zset, weight hash per pool. ARGV: weight, holder, leaseMs, n, capacity per pool. Returns 0 or the full pool's index. */
export const TRY_ACQUIRE = `${now}
${poolUse}
${hold}
local weight, holder, lease, n = tonumber(ARGV[1]), ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
for i = 1, n do
  if used(KEYS[2 * i - 1], KEYS[2 * i]) + weight > tonumber(ARGV[4 + i]) then return i end
end
for i = 1, n do hold(KEYS[2 * i - 1], KEYS[2 * i], holder, weight, lease) end
return 0`;

/** KEYS: lease zset, weight hash per pool. ARGV: holder, weight, leaseMs. Extends (or restores) a lease. */
export const RENEW = `${now}
${hold}
local holder, weight, lease = ARGV[1], ARGV[2], tonumber(ARGV[3])
for i = 1, #KEYS / 2 do hold(KEYS[2 * i - 1], KEYS[2 * i], holder, weight, lease) end
return 1`;

/** KEYS: lease zset, weight hash per pool. ARGV: holder, channel. */
export const RELEASE = `for i = 1, #KEYS / 2 do
  redis.call('ZREM', KEYS[2 * i - 1], ARGV[1])
  redis.call('HDEL', KEYS[2 * i], ARGV[1])
end
redis.call('PUBLISH', ARGV[2], ARGV[1])
return 1`;

/** KEYS: lease zset, weight hash. */
export const IN_USE = `${now}
${poolUse}
return used(KEYS[1], KEYS[2])`;
