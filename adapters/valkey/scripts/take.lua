-- take(id, jobPrefix, leases, deadline, now, out): lease the pending job id to the caller
-- and append its 6 reply fields to out (id, lease token, attempt, request JSON, request
-- id, created ms). A job that is no longer pending (it was cancelled) is skipped.
-- Shared by claim.lua and finish.lua, which are loaded with this text in front.
local function take(id, prefix, leases, deadline, now, out)
  local jk = prefix .. id
  local f = redis.call("HMGET", jk, "state", "lease", "attempts", "req", "rid", "created")
  if f[1] ~= "pending" then
    return
  end
  local lease = (tonumber(f[2]) or 0) + 1
  local attempt = (tonumber(f[3]) or 0) + 1
  redis.call("HSET", jk, "state", "processing", "progress", 10, "lease", lease, "attempts", attempt, "updated", now)
  redis.call("ZADD", leases, deadline, id)
  out[#out + 1] = id
  out[#out + 1] = lease
  out[#out + 1] = attempt
  out[#out + 1] = f[4]
  out[#out + 1] = f[5]
  out[#out + 1] = f[6]
end

