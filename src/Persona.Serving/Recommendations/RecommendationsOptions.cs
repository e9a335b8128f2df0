using Persona.Recommend.Index;
using Persona.Recommend.Ranking;

namespace Persona.Serving.Recommendations;

/// <summary>The recommender's settings in the service.</summary>
public sealed record RecommendationsOptions
{
    public IndexOptions Index { get; init; } = new();

    public RecommenderOptions Recommender { get; init; } = new();

    /// <summary>The blend served outside experiments: the heuristic, or weights learned offline (<c>persona evaluate --model service</c> writes them beside its report).</summary>
    public BlendWeights Blend { get; init; } = BlendWeights.Heuristic;

    /// <summary>Answers kept for attribution (the oldest leave first).</summary>
    public int ImpressionsKept { get; init; } = 1_000_000;

    public void Validate()
    {
        Index.Validate();
        Recommender.Validate();
        if (Blend is null || !Blend.AllWithin(0, 100))
        {
            throw new ArgumentException("Invalid recommendation options: blend weights must be within 0..100");
        }

        if (ImpressionsKept < 1)
        {
            throw new ArgumentException("Invalid recommendation options: impressionsKept must be at least 1");
        }
    }
}
