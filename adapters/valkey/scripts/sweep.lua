-- Housekeeping that any number of workers may run at the same time:
-- 1. jobs whose lease expired (their worker died) go back to the head of the pending list,
--    or to the dead letters when they have used up their attempts;
-- 2. delayed retries that are due go to the head of the pending list;
-- 3. ids that a worker moved to the in-flight list with BLMOVE but never claimed (it died
--    in between) go back to pending once they have sat there for ARGV[2] ms.
-- KEYS[1] leases zset       KEYS[2] pending list       KEYS[3] delayed zset
-- KEYS[4] in-flight list    KEYS[5] orphans hash       KEYS[6] dead-letter zset
-- KEYS[7] job key prefix
-- ARGV[1] attempts per job  ARGV[2] orphan grace, ms   ARGV[3] most ids per step
-- Returns {recovered, promoted, orphans returned, failed}.
local t = redis.call("TIME")
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local limit = tonumber(ARGV[3])
local recovered, promoted, returned, failed = 0, 0, 0, 0

for _, id in ipairs(redis.call("ZRANGEBYSCORE", KEYS[1], "-inf", now, "LIMIT", 0, limit)) do
  redis.call("ZREM", KEYS[1], id)
  local jk = KEYS[7] .. id
  local f = redis.call("HMGET", jk, "state", "attempts", "history")
  if f[1] == "processing" then
    local err = "worker lost: lease expired"
    local history = f[3] and cjson.decode(f[3]) or {}
    history[#history + 1] = {attempt = tonumber(f[2]), error = err, at = now}
    redis.call("HSET", jk, "history", cjson.encode(history), "lasterr", err, "progress", 0, "updated", now)
    if tonumber(f[2]) >= tonumber(ARGV[1]) then
      redis.call("HSET", jk, "state", "failed", "err", err)
      redis.call("ZADD", KEYS[6], now, id)
      failed = failed + 1
    else
      redis.call("HSET", jk, "state", "pending")
      redis.call("RPUSH", KEYS[2], id)
      recovered = recovered + 1
    end
  end
end

for _, id in ipairs(redis.call("ZRANGEBYSCORE", KEYS[3], "-inf", now, "LIMIT", 0, limit)) do
  redis.call("ZREM", KEYS[3], id)
  redis.call("RPUSH", KEYS[2], id)
  promoted = promoted + 1
end

local inflight = redis.call("LRANGE", KEYS[4], 0, limit - 1)
local present = {}
for _, id in ipairs(inflight) do
  present[id] = true
  local seen = redis.call("HGET", KEYS[5], id)
  if not seen then
    redis.call("HSET", KEYS[5], id, now)
  elseif now - tonumber(seen) >= tonumber(ARGV[2]) then
    redis.call("LREM", KEYS[4], 1, id)
    redis.call("HDEL", KEYS[5], id)
    redis.call("RPUSH", KEYS[2], id)
    returned = returned + 1
  end
end
if #inflight < limit then
  for _, id in ipairs(redis.call("HKEYS", KEYS[5])) do
    if not present[id] then
      redis.call("HDEL", KEYS[5], id)
    end
  end
end
return {recovered, promoted, returned, failed}
