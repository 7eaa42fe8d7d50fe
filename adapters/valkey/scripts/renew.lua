-- Extend the lease of a running job, if the caller still holds it; this also confirms
-- the claim (and clears the sweep's mark of a lease it extended for a live worker).
-- KEYS[1] leases zset       KEYS[2] the job's hash
-- ARGV[1] job id            ARGV[2] lease token        ARGV[3] lease length, ms
-- Returns 1 when renewed, 0 when the lease was lost (recovered, cancelled or finished).
local f = redis.call("HMGET", KEYS[2], "state", "lease")
if f[1] ~= "processing" or f[2] ~= ARGV[2] then
  return 0
end
local t = redis.call("TIME")
local now = t[1] * 1000 + math.floor(t[2] / 1000)
if not redis.call("ZSCORE", KEYS[1], ARGV[1]) then
  return 0
end
redis.call("ZADD", KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call("HSET", KEYS[2], "confirmed", 1)
return 1
