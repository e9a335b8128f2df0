using Persona.Storage.RocksDb;

namespace Persona.Server;

/// <summary>Service settings; validated at startup.</summary>
public sealed record ServerOptions
{
    /// <summary>The embedded store's settings (data directory, budgets, horizons, checkpoints).</summary>
    public required EmbeddedStoreOptions Store { get; init; }

    public string DataDirectory => Store.DataDirectory;

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

    /// <summary>The model registry the service serves from (default: <c>models</c> in the data directory).</summary>
    public string? ModelsDirectory { get; init; }

    /// <summary>The registry folder in use.</summary>
    public string ModelRegistryRoot => ModelsDirectory ?? Path.Combine(DataDirectory, "models");

    /// <summary>How often the service looks for a newly promoted or rolled-back model.</summary>
    public TimeSpan ModelPollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Profiles whose predictions are kept for reuse until the profile's log position or the minute changes.</summary>
    public int PredictionCacheEntries { get; init; } = 100_000;

    /// <summary>Candidate sources, rules and attribution of the recommender.</summary>
    public Recommendations.RecommendationsOptions Recommendations { get; init; } = new();

    /// <summary>Segments defined at most (<c>PUT /v1/segments/{name}</c> refuses more with 409).</summary>
    public int MaxSegments { get; init; } = 100;

    /// <summary>Enter/leave changes kept for <c>GET /v1/segments/changes</c>; older ones are dropped (a reader behind them is told so).</summary>
    public int SegmentChangeCapacity { get; init; } = 100_000;

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Store);
        Store.Validate();
        Recommendations.Validate();
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

        if (MaxQueuedBatches < 1)
        {
            errors.Add("maxQueuedBatches: must be at least 1");
        }

        if (ModelPollInterval < TimeSpan.FromMilliseconds(10))
        {
            errors.Add("modelPollInterval: must be at least 10 ms");
        }

        if (PredictionCacheEntries < 0)
        {
            errors.Add("predictionCacheEntries: must not be negative");
        }

        if (MaxSegments is < 1 or > 10_000)
        {
            errors.Add("maxSegments: must be within 1..10000");
        }

        if (SegmentChangeCapacity is < 1 or > 100_000_000)
        {
            errors.Add("segmentChangeCapacity: must be within 1..100000000");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid server options: " + string.Join("; ", errors));
        }
    }
}
