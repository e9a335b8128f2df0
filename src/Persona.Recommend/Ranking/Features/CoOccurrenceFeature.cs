namespace Persona.Recommend.Ranking.Features;

/// <summary>
/// Co-occurrence with the user's recent items and the item on the page: each anchor's similarity to the item, the
/// newest anchors weighing most, summed; normalised by the best candidate. Reads the sums the co-occurrence
/// candidate source put in <see cref="RankingContext.CoOccurrence"/>.
/// </summary>
internal sealed class CoOccurrenceFeature : IRankingFeature
{
    public const string Key = "coOccurrence";

    public string Name => Key;

    public double HeuristicWeight => 0.6;

    public bool Normalised => true;

    public float Value(RankingContext context, in Candidate candidate) => context.CoOccurrence.GetValueOrDefault(candidate.Item).Sum;

    public string? Reason(RankingContext context, in Candidate candidate, float value) =>
        context.Texts.Get("because you viewed ", context.Reader.ItemId(context.CoOccurrence.GetValueOrDefault(candidate.Item).Anchor), static id => id);
}
