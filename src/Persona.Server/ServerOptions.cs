namespace Persona.Server;

/// <summary>The HTTP service's settings; validated at startup. The store's settings go to the store's own hosting extension.</summary>
public sealed record ServerOptions
{
    /// <summary>The serving stack's settings (data directory, models, recommendations, segments).</summary>
    public required ServingOptions Serving { get; init; }

    public string DataDirectory => Serving.DataDirectory;

    public string Urls { get; init; } = "http://127.0.0.1:5080";

    /// <summary>Largest request body accepted (bytes); larger ones get 413.</summary>
    public long MaxBodyBytes { get; init; } = 8 * 1024 * 1024;

    /// <summary>Most records in one batch; more get 413.</summary>
    public int MaxBatchRecords { get; init; } = 10_000;

    /// <summary>CPU priority of the ingest thread; <see cref="IngestPriority.Background"/> (the default) gives reads the CPU first without letting ingestion starve.</summary>
    public IngestPriority IngestPriority { get; init; } = IngestPriority.Background;

    /// <summary>
    /// Runs request handlers on the socket I/O threads instead of handing each request to the thread pool
    /// (Kestrel's <c>UnsafePreferInlineScheduling</c>, and the runtime's inline socket completions): two thread
    /// wake-ups less per request, and a much shorter latency tail on few busy cores. On by default: every
    /// handler is short or asynchronous, and the reads that may block (a profile not in memory, <c>explain</c>,
    /// dead letters) move to the thread pool first, so no I/O thread waits on the disk.
    /// </summary>
    public bool InlineIo { get; init; } = true;

    /// <summary>
    /// Bytes the process may allocate between two young collections, which the ingest thread runs at batch
    /// boundaries (short pauses) instead of leaving the young generation to grow (long ones); 0 leaves them to
    /// the runtime. See <see cref="IngestWorker"/>.
    /// </summary>
    public long YoungCollectionBytes { get; init; } = DefaultYoungCollectionBytes;

    /// <summary>16 MiB: pauses of 2–6 ms at 3,000 events/s here, against one of 82–87 ms without.</summary>
    public const long DefaultYoungCollectionBytes = 16L << 20;

    /// <summary>Uploads waiting for the ingest thread at most; beyond that they get 503 with Retry-After.</summary>
    public int MaxQueuedBatches { get; init; } = IngestWorker.DefaultCapacity;

    /// <summary>How long an ingest body may take to arrive; a slower one gets 408 (it never holds a queue place meanwhile).</summary>
    public TimeSpan BodyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Keys in force, rate limits (docs/SECURITY.md).</summary>
    public Security.AccessOptions Access { get; init; } = new();

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Serving);
        Serving.Validate();
        ArgumentNullException.ThrowIfNull(Access);
        Access.Validate();
        var errors = new List<string>();
        if (MaxBodyBytes < 1024)
        {
            errors.Add("maxBodyBytes: must be at least 1024");
        }

        if (MaxBatchRecords < 1)
        {
            errors.Add("maxBatchRecords: must be at least 1");
        }

        if (YoungCollectionBytes < 0)
        {
            errors.Add("youngCollectionBytes: must not be negative");
        }

        if (BodyTimeout <= TimeSpan.Zero)
        {
            errors.Add("bodyTimeout: must be positive");
        }

        if (MaxQueuedBatches < 1)
        {
            errors.Add("maxQueuedBatches: must be at least 1");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid server options: " + string.Join("; ", errors));
        }
    }
}
