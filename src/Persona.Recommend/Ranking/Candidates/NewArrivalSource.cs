using Persona.Recommend.Ranking.Features;

namespace Persona.Recommend.Ranking.Candidates;

/// <summary>Cold start (no user, no context): 5 new arrivals get a chance. A known user meets new arrivals through the interest and context lists.</summary>
internal sealed class NewArrivalSource : ICandidateSource
{
    public string Name => "newArrival";

    public void Add(RankingContext context)
    {
        if (context.Request.User is null && context.ContextFeatures.Count == 0)
        {
            context.AddCandidates(context.Lists.NewItems, 5);
        }
    }
}
