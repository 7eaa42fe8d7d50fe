-- Claim jobs for a worker: each claimed job leaves the pending list (or the in-flight list
-- it was moved to by BLMOVE) and gets a lease in the same step, so no job is ever held
-- without one. Ids of jobs that are no longer pending (cancelled meanwhile) are dropped.
-- KEYS[1] pending list      KEYS[2] leases zset (id -> lease deadline, ms)
-- KEYS[3] job key prefix (a job's hash is prefix .. id; same hash tag)
-- KEYS[4] in-flight list    KEYS[5] orphans hash (id -> first seen in flight, ms)
-- ARGV[1] how many jobs at most (when ARGV[3] is "")
-- ARGV[2] lease length, ms
-- ARGV[3] "" to pop from pending, or the id BLMOVE put on the in-flight list
-- ARGV[4] lease token (random, one per claim)   ARGV[5] worker id
-- ARGV[6] progress of a claimed job  ARGV[7] events channel (each claimed id is announced)
-- Returns a flat list of 7 fields per job; see take.
local now = now_ms()
local c = {prefix = KEYS[3], leases = KEYS[2], deadline = now + tonumber(ARGV[2]), now = now,
  token = ARGV[4], worker = ARGV[5], progress = ARGV[6], events = ARGV[7]}
local out = {}

if ARGV[3] ~= "" then
  if redis.call("LREM", KEYS[4], 1, ARGV[3]) == 1 then
    redis.call("HDEL", KEYS[5], ARGV[3])
    take(ARGV[3], c, out)
  end
  return out
end
for _ = 1, tonumber(ARGV[1]) do
  local id = redis.call("RPOP", KEYS[1])
  if not id then
    break
  end
  take(id, c, out)
end
return out
