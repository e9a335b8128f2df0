using Persona.Recommend.Ranking.Features;

namespace Persona.Recommend.Ranking.Candidates;

/// <summary>What the user bought, where its buyers buy again at least at <see cref="RecommenderOptions.RepurchaseRate"/>.</summary>
internal sealed class BuyAgainSource : ICandidateSource
{
    public string Name => "buyAgain";

    public void Add(RankingContext context)
    {
        if (context.Purchases is not { } purchases)
        {
            return;
        }

        foreach (var (item, _) in purchases)
        {
            if (context.Reader.RepurchaseRate(item) >= context.Options.RepurchaseRate)
            {
                context.Candidates.Add(item);
            }
        }
    }
}
