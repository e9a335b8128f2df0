namespace Persona.Core.Pipeline;

/// <summary>Counters a store exposes for metrics and health.</summary>
public sealed record StoreStats
{
    /// <summary>The newest log position (events and catalog changes each take one).</summary>
    public long LogPosition { get; init; }

    /// <summary>The log position the last completed checkpoint covers.</summary>
    public long CheckpointPosition { get; init; }

    public int CachedProfiles { get; init; }

    /// <summary>Bytes the profile cache holds: the encoded profiles and each entry's bookkeeping.</summary>
    public long CachedProfileBytes { get; init; }

    /// <summary>Dead letters kept (after expiry by age and by the byte budget).</summary>
    public long DeadLetters { get; init; }

    public long DeadLetterBytes { get; init; }

    /// <summary>The watermark: the newest event time accepted (Unix ms); 0 before the first event.</summary>
    public long NewestEventTimeMs { get; init; }

    /// <summary>Event ids in the deduplication index.</summary>
    public long DedupeEntries { get; init; }

    public long DedupeBytes { get; init; }

    /// <summary>Events with an older timestamp (Unix ms) are refused: they are beyond the deduplication horizon.</summary>
    public long DedupeFloorMs { get; init; }

    /// <summary>Lookups of event ids on disk (the index's spilled part), made for late events only.</summary>
    public long DedupeDiskLookups { get; init; }

    /// <summary>Events only counted since the store opened, their users having withheld consent to profiling.</summary>
    public long UnprofiledEvents { get; init; }

    /// <summary>Users whose record withholds consent to profiling.</summary>
    public long ProfilingWithheld { get; init; }
}
