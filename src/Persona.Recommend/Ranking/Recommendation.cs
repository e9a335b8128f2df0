namespace Persona.Recommend.Ranking;

/// <summary>One recommended item, its blended score and why it was chosen.</summary>
public sealed record RecommendedItem(string ItemId, double Score, IReadOnlyList<string> Reasons)
{
    /// <summary>
    /// The candidate features the blend scored (in the order of <see cref="RankingFeatures.Names"/>), logged with the
    /// impression so that a ranker learns from what was served; not part of the HTTP answer. Null for fill items.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public float[]? Features { get; init; }
}

/// <summary>An answer: an id to attribute clicks and purchases to, the model that made it, and the items in order.</summary>
public sealed record Recommendation
{
    public required string RecommendationId { get; init; }

    public required string UserId { get; init; }

    public required string Model { get; init; }

    /// <summary>The experiment variant the user is bucketed in, if any.</summary>
    public string? Variant { get; init; }

    public required IReadOnlyList<RecommendedItem> Items { get; init; }
}
