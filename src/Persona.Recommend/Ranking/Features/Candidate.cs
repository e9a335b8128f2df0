using Persona.Core.Catalog;

namespace Persona.Recommend.Ranking.Features;

/// <summary>
/// A candidate item as the features see it: its index number, its id and its catalog features (null when the
/// catalog does not know it), with what one walk over those features finds, shared by the features that read it:
/// the summed interest scores and the category node or brand that scored most (<see cref="InterestFeature"/>,
/// <see cref="NewArrivalFeature"/>), and whether one of them is in the request's context (<see cref="ContextFeature"/>).
/// </summary>
internal readonly record struct Candidate(int Item, string ItemId, ItemFeatures? Catalog, double InterestSum, ulong InterestAnchor, bool InContext)
{
    /// <summary>The candidate with its catalog features walked once against the user's interests and the request's context.</summary>
    public static Candidate Of(RankingContext context, int item, string itemId, ItemFeatures? catalog)
    {
        if (catalog is null)
        {
            return new Candidate(item, itemId, null, 0, 0, false);
        }

        var best = 0.0;
        var sum = 0.0;
        ulong anchor = 0;
        var inContext = false;
        foreach (var feature in catalog.Features)
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

            if (!inContext && context.ContextFeatures.Contains(feature))
            {
                inContext = true;
            }
        }

        return new Candidate(item, itemId, catalog, sum, anchor, inContext);
    }
}
