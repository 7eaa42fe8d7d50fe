-- Cancel a job that has not ended: a pending one keeps its place in the pending list,
-- where the claim skips it (no O(N) removal), and leaves the delayed set; a running one
-- loses its lease and its worker is told on ARGV[3] to abandon it. The job then keeps its
-- cancelled status for ARGV[2] ms.
-- KEYS[1] the job's hash    KEYS[2] leases zset        KEYS[3] delayed zset
-- ARGV[1] job id            ARGV[2] result TTL, ms     ARGV[3] cancel channel
-- Returns protocol.go's cancelVerdict: "cancelled", "ended" (already terminal) or "missing".
local st = redis.call("HGET", KEYS[1], "state")
if not st then
  return "missing"
end
if st == "completed" or st == "failed" or st == "cancelled" then
  return "ended"
end
local id = ARGV[1]
if st == "pending" then
  redis.call("ZREM", KEYS[3], id)
else
  redis.call("ZREM", KEYS[2], id)
  redis.call("PUBLISH", ARGV[3], id)
end
local t = redis.call("TIME")
redis.call("HSET", KEYS[1], "state", "cancelled", "progress", 0, "updated", t[1] * 1000 + math.floor(t[2] / 1000))
redis.call("PEXPIRE", KEYS[1], ARGV[2])
return "cancelled"
