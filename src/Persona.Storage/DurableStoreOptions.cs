using Persona.Storage.Faults;

namespace Persona.Storage;

/// <summary>
/// Settings of the durable pipeline, whatever the backend; validated when a store opens. Memory is budgeted in
/// bytes, and every horizon is measured in event time behind the watermark (the newest event time accepted), so
/// that a replay of history behaves as the live stream did.
/// </summary>
public record DurableStoreOptions
{
    /// <summary>The default of <see cref="CheckpointEveryEvents"/>.</summary>
    public const int DefaultCheckpointEveryEvents = 5_000_000;

    /// <summary>The default of <see cref="ProfileCacheBytes"/>: 1 GiB.</summary>
    public const long DefaultProfileCacheBytes = 1L << 30;

    /// <summary>The default of <see cref="DedupeIndexBytes"/>: 256 MiB, about 11.7 million event ids in memory (more spill to disk).</summary>
    public const long DefaultDedupeIndexBytes = 256L << 20;

    /// <summary>The default of <see cref="DeadLetterBytes"/>: 64 MiB.</summary>
    public const long DefaultDeadLetterBytes = 64L << 20;

    /// <summary>The default of <see cref="UserFilterBytes"/>: 64 MiB, about 33 million users at 1 % false positives.</summary>
    public const long DefaultUserFilterBytes = 64L << 20;

    /// <summary>The least <see cref="UserFilterBytes"/> allowed: 64 KiB (one stage of about 52,000 users).</summary>
    public const long MinUserFilterBytes = 64L << 10;

    /// <summary>The default of <see cref="DedupeHorizon"/>: 7 days.</summary>
    public static readonly TimeSpan DefaultDedupeHorizon = TimeSpan.FromDays(7);

    /// <summary>The default of <see cref="Retention"/>: 30 days.</summary>
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromDays(30);

    /// <summary>
    /// Bytes the profile cache may hold (encoded profiles and their bookkeeping); colder profiles are read from
    /// their checkpoint. Enforced at checkpoints: a profile changed since the last one stays until a checkpoint
    /// holds it, so the cache can exceed the budget by what one checkpoint interval changes.
    /// </summary>
    public long ProfileCacheBytes { get; init; } = DefaultProfileCacheBytes;

    /// <summary>Write a checkpoint (changed profiles + log position) after this many log records...</summary>
    public int CheckpointEveryEvents { get; init; } = DefaultCheckpointEveryEvents;

    /// <summary>...or after this long, whichever comes first.</summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Event ids are deduplicated exactly for events whose timestamps are within this span behind the watermark;
    /// an older event is refused with that reason (it could not be told apart from a re-sent one). Zero: no
    /// horizon (the index then grows until <see cref="DedupeIndexBytes"/> binds).
    /// </summary>
    public TimeSpan DedupeHorizon { get; init; } = DefaultDedupeHorizon;

    /// <summary>
    /// Bytes the in-memory deduplication index may use (16 bytes a slot, at most 70 % full). When the events
    /// within <see cref="DedupeHorizon"/> need more, the oldest are spilled to disk (where only late events are
    /// looked up); should it fill before a spill completes, the horizon shrinks to what fits and older events
    /// are refused: the store never counts an event twice.
    /// </summary>
    public long DedupeIndexBytes { get; init; } = DefaultDedupeIndexBytes;

    /// <summary>
    /// Bytes of the Bloom filter of every user ever seen, which answers "never checkpointed" without a disk read
    /// and is stored by checkpoints. Once full, it takes in more users at a rising false-positive rate (more
    /// profile lookups on disk for new users) and never outgrows this.
    /// </summary>
    public long UserFilterBytes { get; init; } = DefaultUserFilterBytes;

    /// <summary>Log records older than this (event time, behind the watermark) are deleted once a checkpoint covers them. Zero keeps them forever.</summary>
    public TimeSpan Retention { get; init; } = DefaultRetention;

    /// <summary>Bytes of dead letters kept; the oldest go first.</summary>
    public long DeadLetterBytes { get; init; } = DefaultDeadLetterBytes;

    /// <summary>Dead letters older than this (time received) are deleted.</summary>
    public TimeSpan DeadLetterRetention { get; init; } = TimeSpan.FromDays(7);

    /// <summary>A test hook called at the protocol's fault points (<see cref="FaultPoint"/>); null in production.</summary>
    public IFaultInjector? Faults { get; init; }

    /// <summary>
    /// The keys that encrypt the store at rest (<see cref="Encryption.EncryptingBackend"/>); null for a store kept
    /// in the clear. Fixed when the store is created: an encrypted store is opened with its keys only.
    /// </summary>
    public Encryption.StoreKeyRing? Encryption { get; init; }

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming every problem.</summary>
    public virtual void Validate()
    {
        var errors = new List<string>();
        Validate(errors);
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid store options: " + string.Join("; ", errors));
        }
    }

    /// <summary>Adds a message per invalid setting to <paramref name="errors"/>.</summary>
    protected virtual void Validate(List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (ProfileCacheBytes < 1 << 20)
        {
            errors.Add("profileCacheBytes: must be at least 1 MiB");
        }

        if (CheckpointEveryEvents < 1)
        {
            errors.Add("checkpointEveryEvents: must be at least 1");
        }

        if (CheckpointInterval <= TimeSpan.Zero)
        {
            errors.Add("checkpointInterval: must be positive");
        }

        if (DedupeHorizon < TimeSpan.Zero)
        {
            errors.Add("dedupeHorizon: must not be negative");
        }

        if (DedupeIndexBytes < 1 << 20)
        {
            errors.Add("dedupeIndexBytes: must be at least 1 MiB");
        }

        if (UserFilterBytes < MinUserFilterBytes)
        {
            errors.Add("userFilterBytes: must be at least 64 KiB");
        }

        if (Retention < TimeSpan.Zero)
        {
            errors.Add("retention: must not be negative");
        }

        if (Retention > TimeSpan.Zero && (DedupeHorizon == TimeSpan.Zero || DedupeHorizon > Retention))
        {
            // Deduplication confirms a fingerprint's match against the logged event, so the log must outlive the index.
            errors.Add($"dedupeHorizon: must be positive and at most the retention ({Retention.TotalDays:0.##} days) when the log is retained for a limited time");
        }

        if (DeadLetterBytes < 0)
        {
            errors.Add("deadLetterBytes: must not be negative");
        }

        if (DeadLetterRetention <= TimeSpan.Zero)
        {
            errors.Add("deadLetterRetention: must be positive");
        }
    }
}
