using Persona.Recommend.Index;
using Persona.Recommend.Ranking;

namespace Persona.Server.Recommendations;

/// <summary>The recommender's settings in the service.</summary>
public sealed record RecommendationsOptions
{
    public IndexOptions Index { get; init; } = new();

    public RecommenderOptions Recommender { get; init; } = new();

    /// <summary>Answers kept for attribution (the oldest leave first).</summary>
    public int ImpressionsKept { get; init; } = 1_000_000;

    public void Validate()
    {
        Index.Validate();
        Recommender.Validate();
        if (ImpressionsKept < 1)
        {
            throw new ArgumentException("Invalid recommendation options: impressionsKept must be at least 1");
        }
    }
}
