-- Replace a running job's partial result (the recipes streamed so far) and move its
-- progress forward. Ignored unless the caller still holds the job's lease, so a late
-- write never shows recipes on a job that has ended or is run by another worker. Like a
-- progress report, it confirms the claim.
-- KEYS[1] the job's hash
-- ARGV[1] lease token       ARGV[2] progress (0..99); a lower one leaves it as it is
-- ARGV[3] partial result record (JSON, see partial.go)
-- ARGV[4] events channel    ARGV[5] job id, announced on ARGV[4] when written
-- Returns 1 when written, 0 when ignored.
local f = redis.call("HMGET", KEYS[1], "state", "lease", "progress")
if f[1] ~= "processing" or f[2] ~= ARGV[1] then
  return 0
end
local t = redis.call("TIME")
local progress = math.max(tonumber(f[3]) or 0, tonumber(ARGV[2]))
redis.call("HSET", KEYS[1], "partial", ARGV[3], "progress", progress, "confirmed", 1,
  "updated", t[1] * 1000 + math.floor(t[2] / 1000))
redis.call("PUBLISH", ARGV[4], ARGV[5])
return 1
