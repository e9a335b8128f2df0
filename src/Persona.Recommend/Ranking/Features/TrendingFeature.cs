namespace Persona.Recommend.Ranking.Features;

/// <summary>Time-decayed popularity relative to the top item of the index's last refresh, at most 1.</summary>
internal sealed class TrendingFeature : IRankingFeature
{
    public const string Key = "trending";

    public string Name => Key;

    public double HeuristicWeight => 0.15;

    public bool Normalised => false;

    public float Value(RankingContext context, in Candidate candidate) =>
        context.Lists.MaxScore > 0 ? (float)Math.Min(1, context.Reader.Trending(candidate.Item) / context.Lists.MaxScore) : 0;

    public string? Reason(RankingContext context, in Candidate candidate, float value) =>
        context.LeafReason("popular in ", candidate.ItemId) ?? "popular now";
}
