namespace Persona.Sources.Redis;

/// <summary>
/// Settings of a <see cref="RedisStreamSource"/>; validated when the source is registered and when it starts.
/// </summary>
public sealed record RedisStreamSourceOptions
{
    /// <summary>The default of <see cref="Group"/>.</summary>
    public const string DefaultGroup = "persona";

    /// <summary>
    /// The Redis server: <c>redis://HOST:PORT[/DB]</c> (a password as <c>redis://:PASSWORD@HOST:PORT</c>), or a
    /// StackExchange.Redis configuration string (<c>HOST:PORT,password=...</c>).
    /// </summary>
    public required string Connection { get; init; }

    /// <summary>The stream's key.</summary>
    public required string Stream { get; init; }

    /// <summary>The consumer group; created at the stream's start (with the stream, if absent) when missing.</summary>
    public string Group { get; init; } = DefaultGroup;

    /// <summary>This consumer's name in the group: unique per process, stable across restarts when its own pending entries should be re-read first.</summary>
    public string Consumer { get; init; } = DefaultConsumer();

    /// <summary>Entries read at most per read; the events of one read are ingested as one batch.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>How long a read waits for new entries (XREADGROUP BLOCK) before the source looks at claims and lag again.</summary>
    public TimeSpan BlockTime { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Entries another consumer has held unacknowledged this long are claimed (XAUTOCLAIM); it must exceed the
    /// time one batch takes to ingest, or live consumers' entries are taken over (harmless, deduplicated, but wasted).
    /// </summary>
    public TimeSpan ClaimIdleTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The first wait after a failed ingest or connection; doubled per failure up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the group's lag and pending count are read (XINFO GROUPS) for the metrics.</summary>
    public TimeSpan LagInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A name unique to this process on this host: host name and process id.</summary>
    public static string DefaultConsumer() => $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming every problem.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (!RedisAddress.TryParse(Connection, out _, out var why))
        {
            errors.Add($"connection: {why}");
        }

        Require(errors, !string.IsNullOrWhiteSpace(Stream), "stream: must not be empty");
        Require(errors, !string.IsNullOrWhiteSpace(Group), "group: must not be empty");
        Require(errors, !string.IsNullOrWhiteSpace(Consumer), "consumer: must not be empty");
        Require(errors, BatchSize is >= 1 and <= 100_000, $"batchSize: {BatchSize} is outside 1..100000");
        Require(errors, BlockTime >= TimeSpan.FromMilliseconds(1) && BlockTime <= TimeSpan.FromMinutes(1), "blockTime: must be 1 ms..1 min");
        Require(errors, ClaimIdleTime >= TimeSpan.FromMilliseconds(10), "claimIdleTime: must be at least 10 ms");
        Require(errors, RetryDelay > TimeSpan.Zero && MaxRetryDelay >= RetryDelay, "retryDelay: must be positive and at most maxRetryDelay");
        Require(errors, LagInterval > TimeSpan.Zero, "lagInterval: must be positive");
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid Redis stream source options: " + string.Join("; ", errors));
        }
    }

    private static void Require(List<string> errors, bool ok, string message)
    {
        if (!ok)
        {
            errors.Add(message);
        }
    }
}
