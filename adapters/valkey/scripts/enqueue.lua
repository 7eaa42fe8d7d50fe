-- Enqueue one job: write its record and push it on the pending list, unless the queue is
-- full or its idempotency key already names a job. Idempotency check, length check, write
-- and push happen atomically.
-- KEYS[1] pending list
-- KEYS[2] the job's hash
-- KEYS[3] the idempotency key (unused when ARGV[5] is empty)
-- ARGV[1] job id            ARGV[2] request JSON       ARGV[3] request id
-- ARGV[4] language          ARGV[5] request fingerprint, "" without an idempotency key
-- ARGV[6] idempotency ms    ARGV[7] max pending jobs
-- Fields left out of the record read as their zero: progress, attempts, lease token;
-- "updated" is absent until the job first changes.
-- Returns {"ok", id}, {"dup", first job's id}, {"conflict"} or {"full"}.
if ARGV[5] ~= "" then
  local prev = redis.call("GET", KEYS[3])
  if prev then
    local sep = string.find(prev, "|", 1, true)
    if string.sub(prev, 1, sep - 1) == ARGV[5] then
      return {"dup", string.sub(prev, sep + 1)}
    end
    return {"conflict"}
  end
end
if redis.call("LLEN", KEYS[1]) >= tonumber(ARGV[7]) then
  return {"full"}
end
local t = redis.call("TIME")
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call("HSET", KEYS[2], "req", ARGV[2], "rid", ARGV[3], "lang", ARGV[4], "state", "pending", "created", now)
redis.call("LPUSH", KEYS[1], ARGV[1])
if ARGV[5] ~= "" then
  redis.call("SET", KEYS[3], ARGV[5] .. "|" .. ARGV[1], "PX", ARGV[6])
end
return {"ok", ARGV[1]}
