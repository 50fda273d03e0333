/**
 * The Lua side of a health save: one atomic step that merges the incoming record with the one Redis
 * holds exactly as `mergeHealth` does (newer record wins, the later RUNNING cooldown is never shortened),
 * stores the result with a TTL equal to its relevance (see `healthRelevanceMs`) or deletes it when
 * nothing is left to keep, and publishes the change. It returns the stored JSON when it differs from
 * the incoming record (the writer adopts it), else nil.
 *
 * KEYS[1] the record's key. ARGV: incoming JSON, now, retention of counting records (ms), channel, message.
 */
export const SAVE_HEALTH_LUA = `
local incoming = cjson.decode(ARGV[1])
local now = tonumber(ARGV[2])
local function running(r)
  if r.state == 'healthy' or type(r.cooldownExpiresAt) ~= 'number' then return 0 end
  if r.cooldownExpiresAt > now then return r.cooldownExpiresAt end
  return 0
end
local result = incoming
local modified = false
local raw = redis.call('GET', KEYS[1])
if raw then
  local ok, existing = pcall(cjson.decode, raw)
  if ok and type(existing) == 'table' and type(existing.updatedAt) == 'number' then
    local newer, older = incoming, existing
    if existing.updatedAt > incoming.updatedAt then newer, older = existing, incoming end
    local keep = running(older)
    if keep > 0 and keep > running(newer) then
      newer.state = older.state
      newer.cooldownExpiresAt = keep
      newer.reason = older.reason
      if (older.rateLimitStep or 0) > (newer.rateLimitStep or 0) then newer.rateLimitStep = older.rateLimitStep end
      modified = true
    end
    if newer ~= incoming then modified = true end
    result = newer
  end
end
local encoded = ARGV[1]
if modified then encoded = cjson.encode(result) end
local untilAt = running(result)
if (result.failureCount or 0) > 0 or (result.rateLimitStep or 0) > 0 then
  untilAt = math.max(untilAt, result.updatedAt + tonumber(ARGV[3]))
end
local ttl = math.ceil(untilAt - now)
if ttl > 0 then
  redis.call('SET', KEYS[1], encoded, 'PX', ttl)
else
  redis.call('DEL', KEYS[1])
end
redis.call('PUBLISH', ARGV[4], ARGV[5])
if modified then return encoded end
return false
`;

/**
 * Drops provider-error events older than ARGV[1] from the head of the list KEYS[1], then keeps at most
 * ARGV[2] of the newest. Returns how many were dropped by age.
 */
export const TRIM_EVENTS_LUA = `
local cutoff = tonumber(ARGV[1])
local dropped = 0
while true do
  local first = redis.call('LINDEX', KEYS[1], 0)
  if not first then break end
  local ok, e = pcall(cjson.decode, first)
  if ok and type(e) == 'table' and type(e.at) == 'number' and e.at >= cutoff then break end
  redis.call('LPOP', KEYS[1])
  dropped = dropped + 1
end
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
return dropped
`;
