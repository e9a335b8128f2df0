namespace Persona.Storage.Redis;

/// <summary>Settings of the Redis store: the durable pipeline's (<see cref="DurableStoreOptions"/>) and where the store lives in Redis; validated when the store opens.</summary>
public sealed record RedisStoreOptions : DurableStoreOptions
{
    /// <summary>The default of <see cref="KeyPrefix"/>.</summary>
    public const string DefaultKeyPrefix = "persona";

    public RedisStoreOptions()
    {
    }

    /// <summary>The pipeline settings of <paramref name="options"/>, with Redis's at their defaults.</summary>
    public RedisStoreOptions(DurableStoreOptions options)
        : base(options)
    {
    }

    /// <summary>
    /// Where Redis is: a StackExchange.Redis configuration string (<c>127.0.0.1:6379,password=...</c>) or a URL
    /// (<c>redis://[user:password@]host:port[/database]</c>, <c>rediss://</c> for TLS).
    /// </summary>
    public required string Configuration { get; init; }

    /// <summary>
    /// The store's name in Redis: every key of the store is <c>{KeyPrefix}:part</c>, one Redis Cluster hash tag, so
    /// that the whole store lives in one slot (its atomic commits are scripts over several keys).
    /// </summary>
    public string KeyPrefix { get; init; } = DefaultKeyPrefix;

    /// <summary>
    /// Checks at open that the server runs with <c>appendonly yes</c> and <c>appendfsync always</c>, the settings
    /// under which an acknowledged write survives a loss of power (docs/CLUSTER.md); refuses to open otherwise.
    /// Turn off only for a server that hides <c>CONFIG</c> and whose durability is assured another way.
    /// </summary>
    public bool RequireAppendFsyncAlways { get; init; } = true;

    /// <summary>
    /// Checks at open that the server runs with <c>aof-use-rdb-preamble no</c>, under which a purge leaves no byte of an
    /// erased user in the append-only file (docs/SECURITY.md); refuses to open otherwise.
    /// </summary>
    public bool RequireAofWithoutRdbPreamble { get; init; } = true;

    protected override void Validate(List<string> errors)
    {
        base.Validate(errors);
        if (string.IsNullOrWhiteSpace(Configuration))
        {
            errors.Add("configuration: missing");
        }
        else if (!RedisConfiguration.TryParse(Configuration, out _, out var error))
        {
            errors.Add("configuration: " + error);
        }

        if (string.IsNullOrEmpty(KeyPrefix))
        {
            errors.Add("keyPrefix: missing");
        }
        else if (KeyPrefix.AsSpan().IndexOfAny('{', '}') >= 0 || KeyPrefix.Any(char.IsWhiteSpace))
        {
            errors.Add("keyPrefix: must not hold braces or spaces (it becomes the keys' hash tag)");
        }
    }
}
