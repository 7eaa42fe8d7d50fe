-- Enqueue jobs: for each, write its record and push it on the pending list, unless the
-- queue is full or its idempotency key already names a job. Each job's checks, write and
-- push happen atomically and in order, so the calls that arrive together share one round
-- trip and one script run without weakening any guarantee (a later job of the batch sees
-- the earlier ones, as it would one call later).
-- KEYS[1] pending list      KEYS[2] delayed zset (retries and waits count as waiting)
-- KEYS[2i+1], KEYS[2i+2] job i's hash and idempotency key (any key of the queue when it has none)
-- ARGV[1] max pending jobs  ARGV[2] idempotency ms
-- ARGV[3+7(i-1)] .. ARGV[9+7(i-1)]: job i's id, request JSON, request id, language,
-- request fingerprint ("" without an idempotency key), owner (the API key's id, or "") and
-- traceparent (the W3C trace context the worker's spans continue; "" when the api does not
-- trace: not stored)
-- Fields left out of a record read as their zero: progress, attempts, lease token;
-- "updated" is absent until the job first changes.
-- A job whose hash exists already was stored by an earlier run of the same call (go-redis
-- resends a script after a timeout): it is left as it is, never reset or pushed twice.
-- Returns 2 fields per job, the verdict of protocol.go's enqueueVerdict and an id: "ok"
-- and its id, "dup" and the first job's id, "conflict" or "full" and "".
local t = redis.call("TIME")
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local max_pending = tonumber(ARGV[1])
local pending = redis.call("LLEN", KEYS[1]) + redis.call("ZCARD", KEYS[2])
local out = {}
for i = 1, (#KEYS - 2) / 2 do
  local job, idem = KEYS[2 * i + 1], KEYS[2 * i + 2]
  local a = 3 + 7 * (i - 1)
  local id, fingerprint = ARGV[a], ARGV[a + 4]
  local verdict, answer = "ok", id
  local prev = fingerprint ~= "" and redis.call("GET", idem)
  if prev then
    local sep = string.find(prev, "|", 1, true)
    if string.sub(prev, 1, sep - 1) == fingerprint then
      verdict, answer = "dup", string.sub(prev, sep + 1)
    else
      verdict, answer = "conflict", ""
    end
  elseif redis.call("EXISTS", job) == 1 then
    verdict = "ok"
  elseif pending >= max_pending then
    verdict, answer = "full", ""
  else
    redis.call("HSET", job, "req", ARGV[a + 1], "rid", ARGV[a + 2], "lang", ARGV[a + 3], "owner", ARGV[a + 5],
      "state", "pending", "created", now)
    if ARGV[a + 6] ~= "" then
      redis.call("HSET", job, "tp", ARGV[a + 6])
    end
    redis.call("LPUSH", KEYS[1], id)
    pending = pending + 1
    if fingerprint ~= "" then
      redis.call("SET", idem, fingerprint .. "|" .. id, "PX", ARGV[2])
    end
  end
  out[#out + 1] = verdict
  out[#out + 1] = answer
end
return out
