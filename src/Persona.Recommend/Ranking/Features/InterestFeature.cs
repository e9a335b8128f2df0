namespace Persona.Recommend.Ranking.Features;

/// <summary>
/// Match of the item's catalog features (categories, brand, price band) with the user's interests: the sum of the
/// interest scores of the features it has, normalised by the best candidate.
/// </summary>
internal sealed class InterestFeature : IRankingFeature
{
    public const string Key = "interest";

    public string Name => Key;

    public double HeuristicWeight => 0.3;

    public bool Normalised => true;

    /// <summary>The summed interest scores of the item's features (walked once per candidate, <see cref="Candidate.Of"/>).</summary>
    public float Value(RankingContext context, in Candidate candidate) => (float)candidate.InterestSum;

    public string? Reason(RankingContext context, in Candidate candidate, float value) =>
        candidate.InterestAnchor is var anchor and not 0 ? context.FeatureReason("matches your interest in ", anchor) : "matches your interests";
}
