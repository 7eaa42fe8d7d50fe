-- Housekeeping that any number of workers may run at the same time:
-- 1. jobs whose lease expired: a job whose claim was never confirmed by a heartbeat or a
--    progress report (the claim's reply was lost, or its worker died at once) goes back
--    to pending without spending an attempt; a confirmed job of a worker that is still
--    alive (its liveness key exists: it lost touch with Valkey for a while) keeps its
--    lease, extended once and marked so ("confirmed" 2): if the worker does not renew it
--    within that extension, it no longer holds the job (say a failover lost the write
--    that ended it) and the job goes back to pending without spending an attempt; a job
--    of a dead worker goes back to the head of the pending list, or to the dead letters
--    when it has used up its attempts;
-- 2. delayed retries and waits that are due go to the head of the pending list;
-- 3. ids that a worker moved to the in-flight list with BLMOVE but never claimed (it died
--    in between) go back to pending once they have sat there for ARGV[2] ms.
-- KEYS[1] leases zset       KEYS[2] pending list       KEYS[3] delayed zset
-- KEYS[4] in-flight list    KEYS[5] orphans hash       KEYS[6] dead-letter zset
-- KEYS[7] job key prefix    KEYS[8] worker liveness key prefix
-- ARGV[1] attempts per job  ARGV[2] orphan grace, ms   ARGV[3] most ids per step
-- ARGV[4] lease length, ms  ARGV[5] history entry of a lost worker
-- ARGV[6] failure code of a job whose workers were lost
-- ARGV[7] events channel: each job put back or failed is announced
-- Returns the counts of protocol.go's sweepCounts, in its order.
local t = redis.call("TIME")
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local limit = tonumber(ARGV[3])
local recovered, refunded, promoted, returned, failed, extended = 0, 0, 0, 0, 0, 0

for _, id in ipairs(redis.call("ZRANGEBYSCORE", KEYS[1], "-inf", now, "LIMIT", 0, limit)) do
  local jk = KEYS[7] .. id
  local f = redis.call("HMGET", jk, "state", "attempts", "history", "worker", "confirmed")
  if f[1] ~= "processing" then
    redis.call("ZREM", KEYS[1], id)
  elseif f[5] ~= "1" then
    redis.call("ZREM", KEYS[1], id)
    redis.call("HINCRBY", jk, "attempts", -1)
    redis.call("HSET", jk, "state", "pending", "progress", 0, "updated", now)
    redis.call("RPUSH", KEYS[2], id)
    redis.call("PUBLISH", ARGV[7], id)
    refunded = refunded + 1
  elseif f[4] and redis.call("EXISTS", KEYS[8] .. f[4]) == 1 then
    redis.call("ZADD", KEYS[1], now + tonumber(ARGV[4]), id)
    redis.call("HSET", jk, "confirmed", 2)
    extended = extended + 1
  else
    redis.call("ZREM", KEYS[1], id)
    local err = ARGV[5]
    local history = f[3] and cjson.decode(f[3]) or {}
    history[#history + 1] = {attempt = tonumber(f[2]), error = err, at = now}
    redis.call("HSET", jk, "history", cjson.encode(history), "lasterr", err, "progress", 0, "updated", now)
    if tonumber(f[2]) >= tonumber(ARGV[1]) then
      redis.call("HSET", jk, "state", "failed", "err", ARGV[6])
      redis.call("ZADD", KEYS[6], now, id)
      failed = failed + 1
    else
      redis.call("HSET", jk, "state", "pending")
      redis.call("RPUSH", KEYS[2], id)
      recovered = recovered + 1
    end
    redis.call("PUBLISH", ARGV[7], id)
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
return {recovered, refunded, promoted, returned, failed, extended}
