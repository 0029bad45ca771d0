/**
 * Every change to presence in Redis, as one script (one SHA, so ioredis sends them all the same
 * way and in order): `ARGV` = key prefix, this instance's id, the heartbeat's lifetime (ms), the
 * operation, its arguments.
 *
 * Keys, under the prefix:
 * - `instance:<id>`: an instance's heartbeat, alive for the lifetime, refreshed by every socket
 *   change and beat; `instances`: every instance that has sockets recorded.
 * - `conns:<id>`: an instance's sockets, connection id → user id.
 * - `user:<uid>`: a user's sockets, `<instance id>/<connection id>` → online | away. A socket
 *   counts only while its instance's heartbeat lives; a beat sweeps dead instances' sockets away.
 * - `status`: user id → online | away, every present user's status (absent: offline).
 * - `room:<rid>`: the present users counted in a room; `counted:<uid>`: the rooms a present user
 *   is counted in (the two always agree).
 *
 * Socket operations (put, remove, reset, retire, beat) answer `{lost, uid, status, uid, status,
 * ...}`: lost is 1 when this instance's heartbeat had expired (others may have swept its
 * sockets: it puts them back), then each user whose status changed with the new status.
 */
export const PRESENCE_SCRIPT = `
local prefix, self, ttl, op = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local STATUS, INSTANCES = prefix .. 'status', prefix .. 'instances'
local function instanceKey(id) return prefix .. 'instance:' .. id end
local function connsKey(id) return prefix .. 'conns:' .. id end
local function userKey(uid) return prefix .. 'user:' .. uid end
local function roomKey(rid) return prefix .. 'room:' .. rid end
local function countedKey(uid) return prefix .. 'counted:' .. uid end

local function count(uid, rid)
  redis.call('SADD', roomKey(rid), uid)
  redis.call('SADD', countedKey(uid), rid)
end
local function uncount(uid, rid)
  redis.call('SREM', roomKey(rid), uid)
  redis.call('SREM', countedKey(uid), rid)
end

if op == 'rooms' then
  local uid, n = ARGV[5], tonumber(ARGV[6])
  local wanted = {}
  if redis.call('HEXISTS', STATUS, uid) == 1 then
    for i = 7, 6 + n do wanted[ARGV[i]] = true end
  end
  for _, rid in ipairs(redis.call('SMEMBERS', countedKey(uid))) do
    if not wanted[rid] then uncount(uid, rid) end
  end
  for rid in pairs(wanted) do count(uid, rid) end
  local counts = {}
  for i = 7 + n, #ARGV do counts[#counts + 1] = redis.call('SCARD', roomKey(ARGV[i])) end
  return counts
end

local reply = { redis.call('SET', instanceKey(self), '1', 'PX', ttl, 'GET') and 0 or 1 }
redis.call('SADD', INSTANCES, self)

local alive = { [self] = true }
local function isAlive(id)
  if alive[id] == nil then alive[id] = redis.call('EXISTS', instanceKey(id)) == 1 end
  return alive[id]
end

local function statusOf(uid)
  local sockets = redis.call('HGETALL', userKey(uid))
  local status = 'offline'
  for i = 1, #sockets, 2 do
    if isAlive(string.match(sockets[i], '^([^/]*)/')) then
      if sockets[i + 1] == 'online' then return 'online' end
      status = 'away'
    end
  end
  return status
end

local function settle(uid)
  local status = statusOf(uid)
  local before = redis.call('HGET', STATUS, uid) or 'offline'
  if status == before then return end
  if status == 'offline' then
    redis.call('HDEL', STATUS, uid)
    for _, rid in ipairs(redis.call('SMEMBERS', countedKey(uid))) do
      redis.call('SREM', roomKey(rid), uid)
    end
    redis.call('DEL', countedKey(uid))
  else
    redis.call('HSET', STATUS, uid, status)
  end
  reply[#reply + 1] = uid
  reply[#reply + 1] = status
end

-- Forgets every socket of an instance; the users touched go in touched.
local function forgetAll(id, touched)
  local sockets = redis.call('HGETALL', connsKey(id))
  for i = 1, #sockets, 2 do
    redis.call('HDEL', userKey(sockets[i + 1]), id .. '/' .. sockets[i])
    touched[sockets[i + 1]] = true
  end
  redis.call('DEL', connsKey(id))
end

local touched = {}
if op == 'put' then
  local conn, uid = ARGV[5], ARGV[6]
  redis.call('HSET', userKey(uid), self .. '/' .. conn, ARGV[7])
  redis.call('HSET', connsKey(self), conn, uid)
  touched[uid] = true
elseif op == 'remove' then
  local uid = redis.call('HGET', connsKey(self), ARGV[5])
  if uid then
    redis.call('HDEL', connsKey(self), ARGV[5])
    redis.call('HDEL', userKey(uid), self .. '/' .. ARGV[5])
    touched[uid] = true
  end
elseif op == 'reset' then
  forgetAll(self, touched)
  for i = 5, #ARGV, 3 do
    redis.call('HSET', userKey(ARGV[i + 1]), self .. '/' .. ARGV[i], ARGV[i + 2])
    redis.call('HSET', connsKey(self), ARGV[i], ARGV[i + 1])
    touched[ARGV[i + 1]] = true
  end
elseif op == 'retire' then
  forgetAll(self, touched)
  redis.call('DEL', instanceKey(self))
  redis.call('SREM', INSTANCES, self)
elseif op == 'beat' then
  for _, id in ipairs(redis.call('SMEMBERS', INSTANCES)) do
    if not isAlive(id) then
      forgetAll(id, touched)
      redis.call('SREM', INSTANCES, id)
    end
  end
else
  return redis.error_reply('unknown presence operation ' .. tostring(op))
end
for uid in pairs(touched) do settle(uid) end
return reply
`;
