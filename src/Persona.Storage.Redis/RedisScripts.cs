namespace Persona.Storage.Redis;

/// <summary>
/// The Lua scripts behind every write. Each checks first that the store's epoch (KEYS[1]) still equals the
/// writer's (ARGV[1]) and otherwise writes nothing and fails with <see cref="FencedPrefix"/>: a stale writer is
/// refused by Redis itself. A script runs alone, so a commit is atomic; Redis propagates a script's writes to its
/// append-only file as one MULTI/EXEC, so a crash leaves all of it or none. A script cannot fail part-way: the
/// only write that can fail (a log entry not after the stream's newest id) is the first one it makes, and once a
/// script has written, Redis no longer refuses it for memory.
/// </summary>
internal static class RedisScripts
{
    /// <summary>The error code of a fenced write.</summary>
    public const string FencedPrefix = "PERSONA_FENCED";

    private const string Fence = """
        local current = redis.call('GET', KEYS[1])
        if current ~= ARGV[1] then
          return redis.error_reply('PERSONA_FENCED this writer holds epoch ' .. ARGV[1] .. ', the store is at epoch ' .. tostring(current))
        end

        """;

    /// <summary>
    /// One commit. KEYS: epoch, log, dead letters, items, users, meta, profiles. ARGV: epoch, then the counts of
    /// log records, dead letters, items, users and meta entries, deleted log records, deleted dead letters and
    /// deleted profiles; then the log records as (id, record), the dead letters as (position, member), the keyed
    /// entries as (op, key, value) with op <c>p</c> (put) or <c>d</c> (delete, value empty), the deleted log ids,
    /// the deleted dead-letter positions and the deleted profiles' user ids, in the commit's order.
    /// </summary>
    public static readonly RedisScript Commit = new(Fence + """
        local i = 10
        for _ = 1, tonumber(ARGV[2]) do
          redis.call('XADD', KEYS[2], ARGV[i], 'r', ARGV[i + 1])
          i = i + 2
        end
        for _ = 1, tonumber(ARGV[3]) do
          redis.call('ZREMRANGEBYSCORE', KEYS[3], ARGV[i], ARGV[i])
          redis.call('ZADD', KEYS[3], ARGV[i], ARGV[i + 1])
          i = i + 2
        end
        for part = 4, 6 do
          for _ = 1, tonumber(ARGV[part]) do
            if ARGV[i] == 'p' then
              redis.call('HSET', KEYS[part], ARGV[i + 1], ARGV[i + 2])
            else
              redis.call('HDEL', KEYS[part], ARGV[i + 1])
            end
            i = i + 3
          end
        end
        for _ = 1, tonumber(ARGV[7]) do
          redis.call('XDEL', KEYS[2], ARGV[i])
          i = i + 1
        end
        for _ = 1, tonumber(ARGV[8]) do
          redis.call('ZREMRANGEBYSCORE', KEYS[3], ARGV[i], ARGV[i])
          i = i + 1
        end
        for _ = 1, tonumber(ARGV[9]) do
          redis.call('HDEL', KEYS[7], ARGV[i])
          i = i + 1
        end
        return i - 1
        """);

    /// <summary>Puts fields into a hash. KEYS: epoch, hash. ARGV: epoch, then (field, value) pairs.</summary>
    public static readonly RedisScript HashPut = new(Fence + """
        local n = #ARGV
        local i = 2
        while i <= n do
          local j = math.min(i + 399, n)
          redis.call('HSET', KEYS[2], unpack(ARGV, i, j))
          i = j + 1
        end
        return (n - 1) / 2
        """);

    /// <summary>Adds members with score 0 to a sorted set. KEYS: epoch, sorted set. ARGV: epoch, then the members.</summary>
    public static readonly RedisScript ZeroScoreAdd = new(Fence + """
        local n = #ARGV
        local i = 2
        while i <= n do
          local args = {}
          for k = i, math.min(i + 199, n) do
            args[#args + 1] = '0'
            args[#args + 1] = ARGV[k]
          end
          redis.call('ZADD', KEYS[2], unpack(args))
          i = i + 200
        end
        return n - 1
        """);

    /// <summary>Runs one command on one key. KEYS: epoch, the key. ARGV: epoch, the command, its arguments after the key.</summary>
    public static readonly RedisScript Single = new(Fence + """
        return redis.call(ARGV[2], KEYS[2], unpack(ARGV, 3))
        """);

    /// <summary>
    /// The event ids filed under one fingerprint in a range of buckets, jumping from each bucket present to the
    /// next. KEYS: the ids' sorted set. ARGV: first bucket, last bucket (4-byte ordered prefixes), fingerprint.
    /// Returns the matching 20-byte members.
    /// </summary>
    public static readonly RedisScript LookupIds = new("""
        local function num(s)
          local a, b, c, d = string.byte(s, 1, 4)
          return ((a * 256 + b) * 256 + c) * 256 + d
        end
        local function prefix(n)
          return string.char(math.floor(n / 16777216) % 256, math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
        end
        local cursor = num(ARGV[1])
        local last = num(ARGV[2])
        local fp = ARGV[3]
        local out = {}
        while cursor <= last do
          local first = redis.call('ZRANGEBYLEX', KEYS[1], '[' .. prefix(cursor), '+', 'LIMIT', 0, 1)
          if #first == 0 then
            break
          end
          local bucket = num(first[1])
          if bucket > last then
            break
          end
          local b = string.sub(first[1], 1, 4)
          local found = redis.call('ZRANGEBYLEX', KEYS[1], '[' .. b .. fp, '[' .. b .. fp .. '\255\255\255\255\255\255\255\255')
          for k = 1, #found do
            out[#out + 1] = found[k]
          end
          cursor = bucket + 1
        end
        return out
        """);
}
