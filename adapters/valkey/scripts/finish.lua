-- End one attempt of each of several running jobs, if its caller still holds the job's
-- lease: a late caller (its lease expired and the job was taken up again, or the job was
-- cancelled) changes nothing, so a job keeps exactly one result. The ends that arrive
-- together share one script run; each is applied on its own.
-- After an end with "take next" = "1", the caller's slot takes the next pending job at
-- once, as claim.lua would, saving a round trip per job under load.
-- KEYS[1] leases zset       KEYS[2] pending list       KEYS[3] delayed zset
-- KEYS[4] dead-letter zset  KEYS[5] job key prefix
-- KEYS[6] history outbox list: one JSON record per completed job, for the worker to
--         write to PostgreSQL (see history.go)
-- KEYS[6+i] job i's hash
-- ARGV[1] lease length, ms  ARGV[2] lease token for the next jobs   ARGV[3] worker id
-- ARGV[4] progress of a claimed job  ARGV[5] events channel (each applied end is announced)
-- ARGV[6] "1" to copy each completed job to the history outbox (KEYS[6])
-- ARGV[7+7(i-1)] .. ARGV[13+7(i-1)]: job i's id, lease token, end, payload, failure code,
-- ms, take next; where end is (the names of protocol.go's endMode)
--   "complete": store payload (result JSON), expire the job after ms
--   "retry":    record payload (error) in the history, run again in ms
--   "fail":     record payload (error) in the history, fail with the code, dead letters
--   "wait":     run again in ms; the attempt is given back (no provider was called)
--   "handback": back to the head of the pending list; the attempt is given back
-- Returns per job: applied (1 or 0), then 0, or 1 and the 7 fields of the next job (see take).
local now = now_ms()
local c = {prefix = KEYS[5], leases = KEYS[1], deadline = now + tonumber(ARGV[1]), now = now,
  token = ARGV[2], worker = ARGV[3], progress = ARGV[4], events = ARGV[5]}
local out = {}

local function record(jk, f, err)
  local history = f[4] and cjson.decode(f[4]) or {}
  history[#history + 1] = {attempt = tonumber(f[3]), error = err, at = now}
  redis.call("HSET", jk, "history", cjson.encode(history), "lasterr", err)
end

local function finish(jk, id, token, mode, payload, code, ms)
  local f = redis.call("HMGET", jk, "state", "lease", "attempts", "history", "req", "created", "owner")
  if f[1] ~= "processing" or f[2] ~= token then
    return 0
  end
  redis.call("ZREM", KEYS[1], id)
  if mode == "complete" then
    redis.call("HSET", jk, "state", "completed", "progress", 100, "result", payload, "updated", now)
    redis.call("PEXPIRE", jk, ms)
    if ARGV[6] == "1" then
      redis.call("RPUSH", KEYS[6], cjson.encode({id = id, req = f[5], created = tonumber(f[6]),
        completed = now, attempts = tonumber(f[3]), result = payload, owner = f[7] or ""}))
    end
  elseif mode == "retry" then
    record(jk, f, payload)
    redis.call("HSET", jk, "state", "pending", "progress", 0, "updated", now)
    redis.call("ZADD", KEYS[3], now + tonumber(ms), id)
  elseif mode == "fail" then
    record(jk, f, payload)
    redis.call("HSET", jk, "state", "failed", "progress", 0, "err", code, "updated", now)
    redis.call("ZADD", KEYS[4], now, id)
  elseif mode == "wait" then
    redis.call("HINCRBY", jk, "attempts", -1)
    redis.call("HSET", jk, "state", "pending", "progress", 0, "updated", now)
    redis.call("ZADD", KEYS[3], now + tonumber(ms), id)
  elseif mode == "handback" then
    redis.call("HINCRBY", jk, "attempts", -1)
    redis.call("HSET", jk, "state", "pending", "progress", 0, "updated", now)
    redis.call("RPUSH", KEYS[2], id)
  else
    return redis.error_reply("finish: unknown end " .. mode)
  end
  redis.call("PUBLISH", ARGV[5], id)
  return 1
end

for i = 1, #KEYS - 6 do
  local a = 7 + 7 * (i - 1)
  local applied = finish(KEYS[6 + i], ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], ARGV[a + 5])
  if type(applied) == "table" then
    return applied -- an error reply
  end
  out[#out + 1] = applied
  local before = #out
  out[#out + 1] = 0
  if ARGV[a + 6] == "1" then
    local id = redis.call("RPOP", KEYS[2])
    if id then
      take(id, c, out)
    end
  end
  if #out > before + 1 then
    out[before + 1] = 1
  end
end
return out
