namespace Persona.Recommend.Ranking.Features;

/// <summary>
/// The item's click-through rate on past answers relative to the overall rate (<see cref="Feedback.ItemStats.Lift"/>);
/// 0.5, the average, without statistics. Only an above-average rate is given as a reason.
/// </summary>
internal sealed class ClickThroughFeature : IRankingFeature
{
    public const string Key = "clickThrough";

    public string Name => Key;

    public double HeuristicWeight => 0.1;

    public bool Normalised => false;

    public float Value(RankingContext context, in Candidate candidate) => context.Stats?.Lift(candidate.ItemId) ?? 0.5f;

    public string? Reason(RankingContext context, in Candidate candidate, float value) => value > 0.5f ? "often clicked" : null;
}
