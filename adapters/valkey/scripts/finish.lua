-- End one attempt of a running job, if the caller still holds its lease: a late caller
-- (its lease expired and the job was taken up again, or the job was cancelled) changes
-- nothing, so a job keeps exactly one result.
-- With ARGV[6] = "1" the caller's slot then takes the next pending job at once, as
-- claim.lua would, saving a round trip per job under load.
-- KEYS[1] the job's hash    KEYS[2] leases zset       KEYS[3] pending list
-- KEYS[4] delayed zset      KEYS[5] dead-letter zset  KEYS[6] job key prefix
-- ARGV[1] job id            ARGV[2] lease token
-- ARGV[3] "complete": store ARGV[4] (result JSON), expire the job after ARGV[5] ms
--         "retry":    record ARGV[4] (error), run again in ARGV[5] ms
--         "fail":     record ARGV[4] (error), move to the dead letters
--         "handback": put the job back at the head of the pending list, attempt not counted
-- ARGV[6] "1" to take the next pending job        ARGV[7] lease length, ms
-- Returns {applied (1 or 0), then the 6 fields of the next job when one was taken}.
local jk = KEYS[1]
local f = redis.call("HMGET", jk, "state", "lease", "attempts", "history")
local t = redis.call("TIME")
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local out = {1}

local function next_job()
  if ARGV[6] == "1" then
    local id = redis.call("RPOP", KEYS[3])
    if id then
      take(id, KEYS[6], KEYS[2], now + tonumber(ARGV[7]), now, out)
    end
  end
  return out
end

if f[1] ~= "processing" or f[2] ~= ARGV[2] then
  out[1] = 0
  return next_job()
end
local id, mode = ARGV[1], ARGV[3]
redis.call("ZREM", KEYS[2], id)

local function record(err)
  local history = f[4] and cjson.decode(f[4]) or {}
  history[#history + 1] = {attempt = tonumber(f[3]), error = err, at = now}
  redis.call("HSET", jk, "history", cjson.encode(history), "lasterr", err)
end

if mode == "complete" then
  redis.call("HSET", jk, "state", "completed", "progress", 100, "result", ARGV[4], "updated", now)
  redis.call("PEXPIRE", jk, ARGV[5])
elseif mode == "retry" then
  record(ARGV[4])
  redis.call("HSET", jk, "state", "pending", "progress", 0, "updated", now)
  redis.call("ZADD", KEYS[4], now + tonumber(ARGV[5]), id)
elseif mode == "fail" then
  record(ARGV[4])
  redis.call("HSET", jk, "state", "failed", "progress", 0, "err", ARGV[4], "updated", now)
  redis.call("ZADD", KEYS[5], now, id)
elseif mode == "handback" then
  redis.call("HINCRBY", jk, "attempts", -1)
  redis.call("HSET", jk, "state", "pending", "progress", 0, "updated", now)
  redis.call("RPUSH", KEYS[3], id)
else
  return redis.error_reply("finish: unknown mode " .. mode)
end
return next_job()
