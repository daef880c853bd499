/**
 * The Lua scripts that keep shared state atomic on the Redis server. Each runs as one step on
 * the server, so two instances never both take the last rate slot, the half-open probe or the
 * last dollar of a budget. Times are the callers' clock times (ms); numbers travel as strings
 * (a Lua number in a reply would be cut to an integer).
 *
 * A target's breaker and Retry-After block live in one hash (fields below); its
 * requests-per-minute window in a sorted set of start times. Every write bumps the hash's version
 * `v` (mirrors drop older states that arrive late) and publishes the new state on the store's
 * channel as `<id>\n<fields>`.
 */
import { createHash } from 'node:crypto';

/** Fields of a target's state, in the order every script returns them. */
export const STATE_FIELDS = ['st', 'cf', 'ej', 'oa', 'ou', 'pu', 'ra', 'bu', 'v'] as const;

const COMMON = `
local function num(x) return tonumber(x) or 0 end
local function fmt(x) return string.format('%.17g', x) end
local F = {'st','cf','ej','oa','ou','pu','ra','bu','v'}
local function load(k)
  local f = redis.call('HMGET', k, unpack(F))
  local s = {}
  for i, name in ipairs(F) do s[name] = num(f[i]) end
  return s
end
local function fields(s)
  local out = {}
  for i, name in ipairs(F) do out[i] = fmt(s[name]) end
  return out
end
local function save(k, s, now, ttl, channel, id)
  s.v = s.v + 1
  local args = {}
  for _, name in ipairs(F) do args[#args + 1] = name; args[#args + 1] = fmt(s[name]) end
  redis.call('HSET', k, unpack(args))
  local keep = math.max(ttl, s.ou - now + ttl, s.bu - now + ttl)
  redis.call('PEXPIRE', k, math.floor(keep))
  redis.call('PUBLISH', channel, id .. '\\n' .. table.concat(fields(s), ','))
end
local function reply(a, b, c, s)
  local out = {fmt(a), fmt(b), fmt(c)}
  for _, v in ipairs(fields(s)) do out[#out + 1] = v end
  return out
end
local function eject(s, now, cooldown, maxCooldown)
  s.ej = s.ej + 1
  local cd = math.min(cooldown * s.ej, maxCooldown)
  s.oa = now
  s.ou = math.max(s.ou, now + cd)
  return cd
end
`;

/**
 * Claims an attempt slot. KEYS: state hash, rate set. ARGV: now, requests per minute (0: none),
 * breaker (1/0), probe lease ms, a unique member for the rate set, state TTL ms, channel, id.
 * Returns [admitted 1/0, probe 1/0 or retryAt, rateFullUntil, ...state].
 */
const ACQUIRE = `${COMMON}
local now = tonumber(ARGV[1]); local rpm = tonumber(ARGV[2]); local breaker = ARGV[3] == '1'
local s = load(KEYS[1])
local retry = math.max(s.bu, now)
local probe = false
if breaker and s.st == 1 then
  if now < s.ou then retry = math.max(retry, s.ou)
  elseif s.pu > now then retry = math.max(retry, s.pu)
  else probe = true end
end
local full = 0
local count = 0
if rpm > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - 60000)
  count = redis.call('ZCARD', KEYS[2])
  if count >= rpm then
    local oldest = redis.call('ZRANGE', KEYS[2], count - rpm, count - rpm, 'WITHSCORES')
    full = tonumber(oldest[2]) + 60000
    retry = math.max(retry, full)
  end
end
if retry > now then
  return reply(0, retry, full, s)
end
if probe then
  s.pu = now + tonumber(ARGV[4])
  save(KEYS[1], s, now, tonumber(ARGV[6]), ARGV[7], ARGV[8])
end
if rpm > 0 then
  redis.call('ZADD', KEYS[2], now, ARGV[5])
  count = count + 1
  if count > rpm then redis.call('ZREMRANGEBYRANK', KEYS[2], 0, count - rpm - 1); count = rpm end
  redis.call('PEXPIRE', KEYS[2], 61000)
  full = 0
  if count >= rpm then
    local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    full = tonumber(oldest[2]) + 60000
  end
end
return reply(1, probe and 1 or 0, full, s)
`;

/**
 * Records a success. KEYS: state hash. ARGV: now, probe 1/0, max cooldown ms, TTL, channel, id.
 * Returns [downMs or -1, changed 1/0, 0, ...state].
 */
const SUCCESS = `${COMMON}
local now = tonumber(ARGV[1]); local probe = ARGV[2] == '1'; local maxCooldown = tonumber(ARGV[3])
local s = load(KEYS[1])
local down = -1
if s.st == 1 then
  if not probe then return reply(-1, 0, 0, s) end
  s.st = 0; s.cf = 0; s.pu = 0; s.ra = now
  down = now - s.oa
else
  local before = s.cf .. ':' .. s.ej
  s.cf = 0
  if s.ej > 0 and now - s.ra >= maxCooldown then s.ej = 0 end
  if before == s.cf .. ':' .. s.ej then return reply(-1, 0, 0, s) end
end
save(KEYS[1], s, now, tonumber(ARGV[4]), ARGV[5], ARGV[6])
return reply(down, 1, 0, s)
`;

/**
 * Records a failure. KEYS: state hash. ARGV: now, counts against health 1/0, probe 1/0, block ms
 * (-1: none), breaker 1/0, failure threshold, cooldown ms, max cooldown ms, TTL, channel, id.
 * Returns [ejection cooldown ms or -1, 0, 0, ...state].
 */
const FAILURE = `${COMMON}
local now = tonumber(ARGV[1]); local counts = ARGV[2] == '1'; local probe = ARGV[3] == '1'
local block = tonumber(ARGV[4]); local breaker = ARGV[5] == '1'
local threshold = tonumber(ARGV[6]); local cooldown = tonumber(ARGV[7]); local maxCooldown = tonumber(ARGV[8])
local s = load(KEYS[1])
local changed = false
local cd = -1
if block >= 0 and now + block > s.bu then s.bu = now + block; changed = true end
if breaker then
  if counts then
    if s.st == 1 then
      if probe then
        s.pu = 0; s.cf = s.cf + 1; cd = eject(s, now, cooldown, maxCooldown); changed = true
      end
    else
      s.cf = s.cf + 1; changed = true
      if s.cf >= threshold then s.st = 1; cd = eject(s, now, cooldown, maxCooldown) end
    end
  elseif probe and s.pu > 0 then
    s.pu = 0; changed = true
  end
end
if changed then save(KEYS[1], s, now, tonumber(ARGV[9]), ARGV[10], ARGV[11]) end
return reply(cd, 0, 0, s)
`;

/** Reads a target. KEYS: state hash, rate set. ARGV: now. Returns [stamp count, 0, 0, ...state, ...rate stamps]. */
const READ = `${COMMON}
local now = tonumber(ARGV[1])
local s = load(KEYS[1])
local stamps = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. (now - 60000), '+inf', 'WITHSCORES')
local out = reply(#stamps / 2, 0, 0, s)
for i = 2, #stamps, 2 do out[#out + 1] = stamps[i] end
return out
`;

/**
 * Replaces a target's state (a snapshot restore; the probe lease is never restored). KEYS: state
 * hash, rate set. ARGV: now, TTL, channel, id, st, cf, ej, oa, ou, ra, bu, then rate stamps.
 */
const RESTORE = `${COMMON}
local now = tonumber(ARGV[1])
local s = load(KEYS[1])
s.st = num(ARGV[5]); s.cf = num(ARGV[6]); s.ej = num(ARGV[7]); s.oa = num(ARGV[8])
s.ou = num(ARGV[9]); s.ra = num(ARGV[10]); s.bu = num(ARGV[11]); s.pu = 0
redis.call('DEL', KEYS[2])
for i = 12, #ARGV do redis.call('ZADD', KEYS[2], ARGV[i], 'r' .. i .. ':' .. ARGV[4]) end
if #ARGV >= 12 then redis.call('PEXPIRE', KEYS[2], 61000) end
save(KEYS[1], s, now, tonumber(ARGV[2]), ARGV[3], ARGV[4])
return reply(0, 0, 0, s)
`;

/**
 * Reserves budget as a hold. KEYS: the period's hash, its holds (sorted set of `<id>|<amount>` by
 * expiry, server time). ARGV: amount, limit, TTL ms (0: none), hold ms, hold id. Holds that lapsed
 * are swept first (their amounts leave `reserved`), so a crashed holder frees its reservation.
 * Returns [reserved 1/0, spent, reserved, expiresAt].
 */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local amount = tonumber(ARGV[1]); local limit = tonumber(ARGV[2]); local ttl = tonumber(ARGV[3])
local f = redis.call('HMGET', KEYS[1], 'spent', 'reserved')
local spent = tonumber(f[1]) or 0; local reserved = tonumber(f[2]) or 0
local lapsed = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 1000)
for _, m in ipairs(lapsed) do
  reserved = math.max(0, reserved - (tonumber(string.match(m, '|([^|]+)$')) or 0))
end
if #lapsed > 0 then redis.call('ZREM', KEYS[2], unpack(lapsed)) end
local ok = spent + reserved + amount <= limit * (1 + 1e-9)
local expires = now + tonumber(ARGV[4])
if ok then
  reserved = reserved + amount
  redis.call('ZADD', KEYS[2], expires, ARGV[5] .. '|' .. ARGV[1])
end
if ok or #lapsed > 0 then
  redis.call('HSET', KEYS[1], 'spent', string.format('%.17g', spent), 'reserved', string.format('%.17g', reserved))
  if ttl > 0 then
    redis.call('PEXPIRE', KEYS[1], ttl)
    redis.call('PEXPIRE', KEYS[2], math.max(ttl, tonumber(ARGV[4])))
  end
end
return {ok and '1' or '0', string.format('%.17g', spent), string.format('%.17g', reserved), tostring(expires)}
`;

/**
 * Settles (or releases, with 0 spend) holds. KEYS: the period's hash, its holds. ARGV: actual
 * spend, TTL ms (0: none), then the holds' members (`<id>|<amount>`). A hold still there is
 * removed and its amount leaves `reserved`; one that lapsed was released by the sweep already.
 * Returns ['1', spent, reserved].
 */
const SETTLE = `
local f = redis.call('HMGET', KEYS[1], 'spent', 'reserved')
local spent = tonumber(f[1]) or 0; local reserved = tonumber(f[2]) or 0
for i = 3, #ARGV do
  if redis.call('ZREM', KEYS[2], ARGV[i]) == 1 then
    reserved = math.max(0, reserved - (tonumber(string.match(ARGV[i], '|([^|]+)$')) or 0))
  end
end
spent = spent + tonumber(ARGV[1])
redis.call('HSET', KEYS[1], 'spent', string.format('%.17g', spent), 'reserved', string.format('%.17g', reserved))
if tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {'1', string.format('%.17g', spent), string.format('%.17g', reserved)}
`;

/**
 * Restores budget spend from a snapshot: raises `spent` to at least the given amount (never
 * lowers it). KEYS: the period's hash. ARGV: spent, TTL ms (0: none). Returns ['1', spent, reserved].
 */
const FLOOR = `
local f = redis.call('HMGET', KEYS[1], 'spent', 'reserved')
local spent = tonumber(f[1]) or 0; local reserved = tonumber(f[2]) or 0
local floor = tonumber(ARGV[1])
if floor > spent then
  spent = floor
  redis.call('HSET', KEYS[1], 'spent', string.format('%.17g', spent), 'reserved', string.format('%.17g', reserved))
  if tonumber(ARGV[2]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
end
return {'1', string.format('%.17g', spent), string.format('%.17g', reserved)}
`;

const QUOTA_COMMON = `
local function fmt(x) return string.format('%.17g', x) end
-- Drops the slots that left the window; returns the live ones as a flat list {start, units, ...} and their sum.
local function live(k, now, window)
  local all = redis.call('HGETALL', k)
  local out = {}
  local used = 0
  for i = 1, #all, 2 do
    local start = tonumber(all[i]); local units = tonumber(all[i + 1])
    if start <= now - window then
      redis.call('HDEL', k, all[i])
    elseif units > 0 then
      used = used + units
      out[#out + 1] = all[i]; out[#out + 1] = all[i + 1]
    end
  end
  return out, used
end
`;

/**
 * Takes units of a rolling-window quota. KEYS: the quota's hash (slot start → units). ARGV: now,
 * amount, limit, window ms, slot ms. Admitted while the live slots' sum is below the limit; then
 * HINCRBYFLOAT of the slot of \`now\`. Returns [admitted 1/0, retryAt, ...live slots after].
 */
const QUOTA_TAKE = `${QUOTA_COMMON}
local now = tonumber(ARGV[1]); local amount = tonumber(ARGV[2]); local limit = tonumber(ARGV[3])
local window = tonumber(ARGV[4]); local slotMs = tonumber(ARGV[5])
local slots, used = live(KEYS[1], now, window)
if used >= limit then
  local starts = {}
  for i = 1, #slots, 2 do starts[#starts + 1] = {tonumber(slots[i]), tonumber(slots[i + 1])} end
  table.sort(starts, function(a, b) return a[1] < b[1] end)
  local retry = now
  local rest = used
  for _, s in ipairs(starts) do
    rest = rest - s[2]
    if rest < limit then retry = s[1] + window; break end
  end
  local out = {'0', fmt(retry)}
  for _, v in ipairs(slots) do out[#out + 1] = v end
  return out
end
local slot = fmt(math.floor(now / slotMs) * slotMs)
redis.call('HINCRBYFLOAT', KEYS[1], slot, amount)
redis.call('PEXPIRE', KEYS[1], math.ceil(window + slotMs))
local after = live(KEYS[1], now, window)
local out = {'1', fmt(now)}
for _, v in ipairs(after) do out[#out + 1] = v end
return out
`;

/**
 * Corrects a take. KEYS: the quota's hash. ARGV: now, takenAt, delta, window ms, slot ms. Nothing
 * when the take's slot has left the window or is gone; never below 0. Returns ['1', now, ...live slots].
 */
const QUOTA_ADJUST = `${QUOTA_COMMON}
local now = tonumber(ARGV[1]); local takenAt = tonumber(ARGV[2]); local delta = tonumber(ARGV[3])
local window = tonumber(ARGV[4]); local slotMs = tonumber(ARGV[5])
local start = math.floor(takenAt / slotMs) * slotMs
if start > now - window then
  local cur = tonumber(redis.call('HGET', KEYS[1], fmt(start)))
  if cur ~= nil then redis.call('HSET', KEYS[1], fmt(start), fmt(math.max(0, cur + delta))) end
end
local slots = live(KEYS[1], now, window)
local out = {'1', fmt(now)}
for _, v in ipairs(slots) do out[#out + 1] = v end
return out
`;

/** A script and its SHA-1 (for EVALSHA). */
export interface Script {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

export function script(name: string, source: string): Script {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

/** The store's scripts. */
export const SCRIPTS = {
  acquire: script('acquire', ACQUIRE),
  success: script('success', SUCCESS),
  failure: script('failure', FAILURE),
  read: script('read', READ),
  restore: script('restore', RESTORE),
  reserve: script('reserve', RESERVE),
  settle: script('settle', SETTLE),
  floor: script('floor', FLOOR),
  quotaTake: script('quotaTake', QUOTA_TAKE),
  quotaAdjust: script('quotaAdjust', QUOTA_ADJUST),
} as const;
