using Persona.Recommend.Ranking.Features;

namespace Persona.Recommend.Ranking.Candidates;

/// <summary>The category node and brand the request's context names: their trending items and new arrivals, as for an interest.</summary>
internal sealed class ContextSource : ICandidateSource
{
    public string Name => "context";

    public void Add(RankingContext context)
    {
        foreach (var feature in context.ContextFeatures)
        {
            InterestSource.ByFeature(context, feature);
        }
    }
}
