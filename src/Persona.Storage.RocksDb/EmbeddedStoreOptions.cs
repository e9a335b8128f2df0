namespace Persona.Storage.RocksDb;

/// <summary>Settings of the embedded store: the durable pipeline's (<see cref="DurableStoreOptions"/>) and RocksDB's own; validated when the store opens.</summary>
public sealed record EmbeddedStoreOptions : DurableStoreOptions
{
    /// <summary>The default of <see cref="CheckpointFileMinProfiles"/>.</summary>
    public const int DefaultCheckpointFileMinProfiles = 20_000;

    public EmbeddedStoreOptions()
    {
    }

    /// <summary>The pipeline settings of <paramref name="options"/>, with RocksDB's at their defaults.</summary>
    public EmbeddedStoreOptions(DurableStoreOptions options)
        : base(options)
    {
    }

    public required string DataDirectory { get; init; }

    /// <summary>
    /// Changed profiles from which a checkpoint writes them as sorted table files that RocksDB ingests, instead of
    /// through the write-ahead log and the memtable (which would write every profile twice).
    /// </summary>
    public int CheckpointFileMinProfiles { get; init; } = DefaultCheckpointFileMinProfiles;

    protected override void Validate(List<string> errors)
    {
        base.Validate(errors);
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            errors.Add("dataDirectory: missing");
        }

        if (CheckpointFileMinProfiles < 1)
        {
            errors.Add("checkpointFileMinProfiles: must be at least 1");
        }
    }
}
