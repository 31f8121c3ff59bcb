package redisstore

import "github.com/redis/go-redis/v9"

// doneMarker is the value of a completed key. Claim tokens always start with
// 'c', so a token can never equal it.
const doneMarker = "d"

// Replay states as the claim script returns them.
const (
	claimFresh    = 0
	claimInFlight = 1
	claimDone     = 2
)

// claimScript claims KEYS[1] for ARGV[2] milliseconds with token ARGV[1] when
// it is absent (0), else reports whether it is in flight (1) or done (2). It
// never changes a key it does not claim: an InFlight answer leaves the lease
// alone.
var claimScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 0
end
if v == 'd' then
  return 2
end
return 1
`)

// completeScript records KEYS[1] as done for ARGV[2] milliseconds when it is
// absent (the lease expired, or it was never claimed), already done (its keep
// restarts) or still holds this caller's token ARGV[1] ("" for none), and
// answers 1. A key that holds another claim's token is left to that claim
// and the answer is 0.
var completeScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if (not v) or v == 'd' or (ARGV[1] ~= '' and v == ARGV[1]) then
  redis.call('SET', KEYS[1], 'd', 'PX', ARGV[2])
  return 1
end
return 0
`)

// releaseScript deletes KEYS[1] only when it still holds token ARGV[1], and
// answers 1 if it did; a done key or another claim's key is left alone (0).
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`)

// takeScript is one token-bucket take, the GCRA way, on the Redis server's
// clock. KEYS[1] holds the bucket's "full time" tat as "<unix seconds>:<ns>"
// (absent: the bucket is full). ARGV[1] is the interval between tokens and
// ARGV[2] the capacity (burst × interval), both in nanoseconds; ARGV[3], when
// present, replaces TIME ("<unix seconds>:<ns>", tests only).
//
// Arithmetic is on differences from now in nanoseconds, which stay below
// 2^53 (NewLimiter bounds the capacity), so Lua's doubles are exact.
//
// It answers {1, debt} when it took a token (debt = tat - now afterwards) and
// {0, base} when it refused (base = tat - now, clamped at 0; nothing changes).
// An allowed take stores the new tat with a TTL of debt, rounded up to the
// millisecond: the key disappears when the bucket is full again.
var takeScript = redis.NewScript(`
local nowS, nowN
if ARGV[3] then
  local j = string.find(ARGV[3], ':', 1, true)
  nowS = tonumber(string.sub(ARGV[3], 1, j - 1))
  nowN = tonumber(string.sub(ARGV[3], j + 1))
else
  local t = redis.call('TIME')
  nowS = tonumber(t[1])
  nowN = tonumber(t[2]) * 1000
end
local interval = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local base = 0
local v = redis.call('GET', KEYS[1])
if v then
  local i = string.find(v, ':', 1, true)
  if i then
    local s = tonumber(string.sub(v, 1, i - 1))
    local n = tonumber(string.sub(v, i + 1))
    if s and n then
      base = (s - nowS) * 1000000000 + (n - nowN)
      if base < 0 then
        base = 0
      end
    end
  end
end
local debt = base + interval
if debt > capacity then
  return {0, base}
end
local n = nowN + debt
local s = math.floor(n / 1000000000)
n = n - s * 1000000000
if n < 0 then
  s = s - 1
  n = n + 1000000000
elseif n >= 1000000000 then
  s = s + 1
  n = n - 1000000000
end
redis.call('SET', KEYS[1], string.format('%d:%d', nowS + s, n), 'PX', math.ceil(debt / 1000000))
return {1, debt}
`)
