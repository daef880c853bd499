/**
 * The Lua scripts of the learned-state sync ({@link LearningSync}). A group's state lives in two
 * keys: a hash of each instance's latest share (`<server ms>\n<json>`) and a sorted set of the
 * same instances scored by the server time at which their share expires. Both carry a TTL, and
 * expired instances are swept by every sync, so the group never holds more than the instances
 * alive within one TTL. Times are the Redis server's (`TIME`), so instances on machines whose
 * clocks disagree still age each other's shares correctly.
 */
import { type Script, script } from './scripts.js';

const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * Publishes this instance's share and reads the others'. KEYS: shares hash, expiry set. ARGV:
 * instance id, share JSON ('' to publish nothing), TTL ms, most peers to return. Returns
 * [now, ...'<publishedAt>\n<json>' of up to that many other instances, newest first].
 */
const SYNC = `${NOW}
local ttl = tonumber(ARGV[3]); local most = tonumber(ARGV[4])
local dead = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 500)
if #dead > 0 then
  redis.call('HDEL', KEYS[1], unpack(dead))
  redis.call('ZREM', KEYS[2], unpack(dead))
end
if ARGV[2] ~= '' then
  redis.call('HSET', KEYS[1], ARGV[1], now .. '\\n' .. ARGV[2])
  redis.call('ZADD', KEYS[2], now + ttl, ARGV[1])
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[2], ttl)
end
local ids = redis.call('ZREVRANGEBYSCORE', KEYS[2], '+inf', '(' .. now, 'LIMIT', 0, most + 1)
local out = {tostring(now)}
for _, id in ipairs(ids) do
  if id ~= ARGV[1] and #out <= most then
    local v = redis.call('HGET', KEYS[1], id)
    if v then out[#out + 1] = v end
  end
end
return out
`;

/** Removes this instance's share (a graceful stop). KEYS: shares hash, expiry set. ARGV: instance id. */
const LEAVE = `
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return {'1'}
`;

/** The sync's scripts. */
export const LEARNING_SCRIPTS: { readonly sync: Script; readonly leave: Script } = {
  sync: script('learningSync', SYNC),
  leave: script('learningLeave', LEAVE),
};
