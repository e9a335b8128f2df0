namespace Persona.Recommend.Ranking.Features;

/// <summary>
/// The learned scorer's score (the sequence model): softmax relative to its best candidate, 0 for items it did not
/// propose. Reads the scores the scorer's candidate source put in <see cref="RankingContext.Learned"/>; a weight of
/// 0 leaves the scorer unasked.
/// </summary>
internal sealed class SequenceFeature : IRankingFeature
{
    public const string Key = "sequence";

    public string Name => Key;

    public double HeuristicWeight => 1.0;

    public bool Normalised => false;

    public float Value(RankingContext context, in Candidate candidate) => context.Learned.GetValueOrDefault(candidate.Item);

    public string? Reason(RankingContext context, in Candidate candidate, float value) => "picked for you from your recent items";
}
