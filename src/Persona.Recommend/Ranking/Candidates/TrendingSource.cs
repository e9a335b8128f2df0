using Persona.Recommend.Ranking.Features;

namespace Persona.Recommend.Ranking.Candidates;

/// <summary>The <see cref="RecommenderOptions.TrendingCandidates"/> items with the highest decayed score.</summary>
internal sealed class TrendingSource : ICandidateSource
{
    public string Name => "trending";

    public void Add(RankingContext context) => context.AddCandidates(context.Lists.Trending, context.Options.TrendingCandidates);
}
