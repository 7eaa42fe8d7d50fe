-- Act on a failed job in the dead letters: "retry" gives it a fresh set of attempts at
-- the back of the pending list, "delete" removes it for good.
-- KEYS[1] the job's hash    KEYS[2] dead-letter zset   KEYS[3] pending list
-- ARGV[1] job id            ARGV[2] "retry" or "delete"    ARGV[3] events channel
-- Returns 1 when done, 0 when the job is not in the dead letters.
local id = ARGV[1]
if redis.call("ZREM", KEYS[2], id) == 0 then
  return 0
end
if ARGV[2] == "delete" then
  redis.call("DEL", KEYS[1])
  return 1
end
local t = redis.call("TIME")
redis.call("HSET", KEYS[1], "state", "pending", "progress", 0, "attempts", 0, "err", "",
  "updated", t[1] * 1000 + math.floor(t[2] / 1000))
redis.call("LPUSH", KEYS[3], id)
redis.call("PUBLISH", ARGV[3], id)
return 1
