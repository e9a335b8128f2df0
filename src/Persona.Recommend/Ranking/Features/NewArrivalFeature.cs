namespace Persona.Recommend.Ranking.Features;

/// <summary>
/// A new arrival (fewer than <see cref="Index.IndexOptions.NewItemMaxEvents"/> events) matching the user's interests:
/// 1, else 0.
/// </summary>
internal sealed class NewArrivalFeature : IRankingFeature
{
    public const string Key = "newArrival";

    public string Name => Key;

    public double HeuristicWeight => 0.1;

    public bool Normalised => false;

    public float Value(RankingContext context, in Candidate candidate) =>
        candidate.Catalog is not null
        && context.Reader.Events(candidate.Item) < context.Index.Options.NewItemMaxEvents
        && candidate.InterestSum > 0 ? 1 : 0;

    public string? Reason(RankingContext context, in Candidate candidate, float value) =>
        context.LeafReason("new in ", candidate.ItemId) ?? "new in the shop";
}
