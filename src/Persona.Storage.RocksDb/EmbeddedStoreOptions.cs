namespace Persona.Storage.RocksDb;

/// <summary>Settings of the embedded store; validated when the store opens.</summary>
public sealed record EmbeddedStoreOptions
{
    /// <summary>The default of <see cref="CheckpointEveryEvents"/>, shared by the service and the CLI.</summary>
    public const int DefaultCheckpointEveryEvents = 5_000_000;

    /// <summary>The default of <see cref="CheckpointFileMinProfiles"/>.</summary>
    public const int DefaultCheckpointFileMinProfiles = 20_000;

    public required string DataDirectory { get; init; }

    /// <summary>fsync the log before a batch is acknowledged (default). Off trades durability of the last batches for speed.</summary>
    public bool SyncWrites { get; init; } = true;

    /// <summary>Most profiles kept in memory; colder ones are read from disk.</summary>
    public int MaxCachedProfiles { get; init; } = 1_000_000;

    /// <summary>Write a checkpoint (dirty profiles + log position) after this many applied events...</summary>
    public int CheckpointEveryEvents { get; init; } = DefaultCheckpointEveryEvents;

    /// <summary>...or after this long, whichever comes first.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Dirty profiles from which a checkpoint is written as a sorted table file and ingested into the store,
    /// instead of through the write-ahead log and the memtable (which would write every profile twice).
    /// </summary>
    public int CheckpointFileMinProfiles { get; init; } = DefaultCheckpointFileMinProfiles;

    /// <summary>Raw events older than this (event time) are compacted away and refused at ingest; zero keeps them forever.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.Zero;

    public void Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            errors.Add("dataDirectory: missing");
        }

        if (MaxCachedProfiles < 1)
        {
            errors.Add("maxCachedProfiles: must be at least 1");
        }

        if (CheckpointEveryEvents < 1)
        {
            errors.Add("checkpointEveryEvents: must be at least 1");
        }

        if (CheckpointFileMinProfiles < 1)
        {
            errors.Add("checkpointFileMinProfiles: must be at least 1");
        }

        if (CheckpointInterval <= TimeSpan.Zero)
        {
            errors.Add("checkpointInterval: must be positive");
        }

        if (Retention < TimeSpan.Zero)
        {
            errors.Add("retention: must not be negative");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid store options: " + string.Join("; ", errors));
        }
    }
}
