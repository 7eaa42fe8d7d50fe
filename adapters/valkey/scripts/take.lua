-- take(id, c, out): lease the pending job id to the claim c and append its 7 reply fields
-- to out (id, lease token, attempt, request JSON, request id, created ms, traceparent:
-- the W3C trace context stored at enqueue, "" without one). A job that is
-- no longer pending (it was cancelled) is skipped. The claim is unconfirmed until its
-- worker renews it or reports progress: a claim whose reply was lost costs no attempt.
-- c = {prefix = job key prefix, leases = leases zset, deadline = lease deadline ms,
--      now = ms, token = lease token, worker = worker id, progress = claimed progress,
--      events = the channel job changes are announced on}
-- Shared by claim.lua and finish.lua, which are loaded with this text in front.
local function take(id, c, out)
  local jk = c.prefix .. id
  local f = redis.call("HMGET", jk, "state", "attempts", "req", "rid", "created", "tp")
  if f[1] ~= "pending" then
    return
  end
  local attempt = (tonumber(f[2]) or 0) + 1
  redis.call("HSET", jk, "state", "processing", "progress", c.progress, "lease", c.token,
    "worker", c.worker, "confirmed", 0, "attempts", attempt, "updated", c.now)
  redis.call("ZADD", c.leases, c.deadline, id)
  redis.call("PUBLISH", c.events, id)
  out[#out + 1] = id
  out[#out + 1] = c.token
  out[#out + 1] = attempt
  out[#out + 1] = f[3]
  out[#out + 1] = f[4]
  out[#out + 1] = f[5]
  out[#out + 1] = f[6] or ""
end

local function now_ms()
  local t = redis.call("TIME")
  return t[1] * 1000 + math.floor(t[2] / 1000)
end
