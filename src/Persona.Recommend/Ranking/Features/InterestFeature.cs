using Persona.Core.Catalog;

namespace Persona.Recommend.Ranking.Features;

/// <summary>
/// Match of the item's catalog features (categories, brand, price band) with the user's interests: the sum of the
/// interest scores of the features it has, normalised by the best candidate.
/// </summary>
internal sealed class InterestFeature : IRankingFeature
{
    public const string Key = "interest";

    public string Name => Key;

    public double HeuristicWeight => 0.3;

    public bool Normalised => true;

    public float Value(RankingContext context, in Candidate candidate) => (float)Match(context, candidate).Sum;

    public string? Reason(RankingContext context, in Candidate candidate, float value) =>
        Match(context, candidate).Anchor is var anchor and not 0 ? $"matches your interest in {context.FeatureDisplay(anchor)}" : "matches your interests";

    /// <summary>The summed interest scores of the item's features, and the category node or brand that scored most (0 for none).</summary>
    public static (double Sum, ulong Anchor) Match(RankingContext context, in Candidate candidate)
    {
        if (candidate.Catalog is not { } item)
        {
            return (0, 0);
        }

        var best = 0.0;
        var sum = 0.0;
        ulong anchor = 0;
        foreach (var feature in item.Features)
        {
            if (context.Interests.TryGetValue(feature, out var s))
            {
                sum += s;
                if (s > best && FeatureId.KindOf(feature) is FeatureKind.Category or FeatureKind.Brand)
                {
                    best = s;
                    anchor = feature;
                }
            }
        }

        return (sum, anchor);
    }
}
