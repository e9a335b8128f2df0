using StackExchange.Redis;

namespace Persona.Storage.Redis;

/// <summary>
/// The keys of one store, all under the hash tag <c>{prefix}</c> so that they share one Redis Cluster slot (a
/// commit is one script over several of them).
/// </summary>
internal sealed class RedisKeys(string prefix)
{
    /// <summary>The writer epoch: incremented by each writer that opens the store; every write checks it.</summary>
    public RedisKey Epoch { get; } = $"{{{prefix}}}:epoch";

    /// <summary>The log: a stream with an entry <c>SEQ-0</c> per position, the record in field <c>r</c>.</summary>
    public RedisKey Log { get; } = $"{{{prefix}}}:log";

    /// <summary>Dead letters: a sorted set scored by position, each member the 8-byte big-endian position then the record.</summary>
    public RedisKey DeadLetters { get; } = $"{{{prefix}}}:dead";

    /// <summary>Profile snapshots: a hash from user id to encoding.</summary>
    public RedisKey Profiles { get; } = $"{{{prefix}}}:profiles";

    /// <summary>Catalog items: a hash from item id to JSON.</summary>
    public RedisKey Items { get; } = $"{{{prefix}}}:items";

    /// <summary>User records: a hash from user id to JSON.</summary>
    public RedisKey Users { get; } = $"{{{prefix}}}:users";

    /// <summary>The protocol's metadata: a hash from key to value.</summary>
    public RedisKey Meta { get; } = $"{{{prefix}}}:meta";

    /// <summary>Spilled event ids: one sorted set, every score 0, members bucket (4 bytes) + fingerprint (8) + position (8) in lexical order.</summary>
    public RedisKey EventIds { get; } = $"{{{prefix}}}:ids";

    /// <summary>The hash tag every key carries.</summary>
    public string Tag { get; } = $"{{{prefix}}}";
}
