namespace Persona.Cluster.Grains;

/// <summary>A partition's counters and health, as a silo gathers them for the cluster's stats.</summary>
[GenerateSerializer]
[Immutable]
public sealed record PartitionStatus(
    [property: Id(0)] long LogPosition,
    [property: Id(1)] long CheckpointPosition,
    [property: Id(2)] int CachedProfiles,
    [property: Id(3)] long CachedProfileBytes,
    [property: Id(4)] long DeadLetters,
    [property: Id(5)] long DeadLetterBytes,
    [property: Id(6)] long NewestEventTimeMs,
    [property: Id(7)] long DedupeEntries,
    [property: Id(8)] long DedupeBytes,
    [property: Id(9)] string? Fault,
    [property: Id(10)] string Silo);
