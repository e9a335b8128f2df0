using Persona.Core.Catalog;
using Persona.Recommend.Ranking.Features;

namespace Persona.Recommend.Ranking.Candidates;

/// <summary>
/// The user's top <see cref="RecommenderOptions.InterestAnchors"/> category nodes and brands: of each, its
/// <see cref="RecommenderOptions.ItemsPerInterest"/> trending items and 5 new arrivals.
/// </summary>
internal sealed class InterestSource : ICandidateSource
{
    public string Name => "interest";

    public void Add(RankingContext context)
    {
        var topics = context.Interests
            .Where(p => FeatureId.KindOf(p.Key) is FeatureKind.Category or FeatureKind.Brand)
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key).Take(context.Options.InterestAnchors).Select(p => p.Key);
        foreach (var feature in topics)
        {
            ByFeature(context, feature);
        }
    }

    /// <summary>The feature's trending items and new arrivals.</summary>
    public static void ByFeature(RankingContext context, ulong feature)
    {
        context.AddCandidates(context.Lists.TrendingByFeature.GetValueOrDefault(feature), context.Options.ItemsPerInterest);
        context.AddCandidates(context.Lists.NewByFeature.GetValueOrDefault(feature), 5);
    }
}
