-- Move a running job's progress forward. Ignored unless the caller still holds the
-- job's lease and the new progress is higher, so progress never goes backwards. A report
-- confirms the claim: from now on, a lost lease costs the job an attempt.
-- KEYS[1] the job's hash
-- ARGV[1] lease token       ARGV[2] progress (0..99)
-- Returns 1 when written, 0 when ignored.
local f = redis.call("HMGET", KEYS[1], "state", "lease", "progress")
if f[1] ~= "processing" or f[2] ~= ARGV[1] then
  return 0
end
if (tonumber(f[3]) or 0) >= tonumber(ARGV[2]) then
  redis.call("HSET", KEYS[1], "confirmed", 1)
  return 0
end
local t = redis.call("TIME")
redis.call("HSET", KEYS[1], "progress", ARGV[2], "confirmed", 1, "updated", t[1] * 1000 + math.floor(t[2] / 1000))
return 1
