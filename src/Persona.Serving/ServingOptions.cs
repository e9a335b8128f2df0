using Persona.Serving.Recommendations;

namespace Persona.Serving;

/// <summary>
/// Settings of the serving stack (profile views with predictions, model hosting, recommendations, segments),
/// whatever hosts it: the HTTP service, the command line, a cluster silo. Validated at start.
/// </summary>
public sealed record ServingOptions
{
    /// <summary>Where the stack keeps its own files: segment rules, the running experiment, the impression log, and by default the model registry.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The model registry to serve from (default: <c>models</c> in the data directory).</summary>
    public string? ModelsDirectory { get; init; }

    /// <summary>The registry folder in use.</summary>
    public string ModelRegistryRoot => ModelsDirectory ?? Path.Combine(DataDirectory, "models");

    /// <summary>How often a running host looks for a newly promoted or rolled-back model.</summary>
    public TimeSpan ModelPollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Profiles whose predictions are kept for reuse until the profile's log position or the minute changes.</summary>
    public int PredictionCacheEntries { get; init; } = 100_000;

    /// <summary>How old a behaviour analysis may be when it is served (a newer one is computed past it, or on request).</summary>
    public TimeSpan AnalysisMaxAge { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Candidate sources, rules and attribution of the recommender.</summary>
    public RecommendationsOptions Recommendations { get; init; } = new();

    /// <summary>Whether served answers are appended to the impression log (<c>impressions.bin</c>); a read-only host (the command line) leaves it off.</summary>
    public bool LogImpressions { get; init; } = true;

    /// <summary>Segments defined at most (<c>PUT /v1/segments/{name}</c> refuses more with 409).</summary>
    public int MaxSegments { get; init; } = 100;

    /// <summary>Enter/leave changes kept for <c>GET /v1/segments/changes</c>; older ones are dropped (a reader behind them is told so).</summary>
    public int SegmentChangeCapacity { get; init; } = 100_000;

    /// <summary>
    /// The longest an erased user's bytes may stay in the files after the erasure: a purge (a full compaction of
    /// the store, the impression files rewritten) runs once the oldest pending erasure is this old.
    /// </summary>
    public TimeSpan ErasurePurgeWithin { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Throws <see cref="ArgumentException"/> naming every invalid setting.</summary>
    public void Validate()
    {
        Recommendations.Validate();
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            errors.Add("dataDirectory: required");
        }

        if (ModelPollInterval < TimeSpan.FromMilliseconds(10))
        {
            errors.Add("modelPollInterval: must be at least 10 ms");
        }

        if (AnalysisMaxAge < TimeSpan.Zero)
        {
            throw new ArgumentException("analysisMaxAge: must not be negative");
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

        if (ErasurePurgeWithin < TimeSpan.FromSeconds(1) || ErasurePurgeWithin > TimeSpan.FromDays(30))
        {
            errors.Add("erasurePurgeWithin: must be within 1 s..30 days");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid serving options: " + string.Join("; ", errors));
        }
    }
}
