namespace Persona.Recommend.Ranking.Candidates;

/// <summary>The candidate sources of a request, one file each, asked in this order; a new source is one file and one line here.</summary>
internal static class CandidateSources
{
    public static IReadOnlyList<ICandidateSource> All { get; } =
    [
        new LearnedScorerSource(),
        new CoOccurrenceSource(),
        new InterestSource(),
        new ContextSource(),
        new TrendingSource(),
        new NewArrivalSource(),
        new BuyAgainSource(),
    ];
}
