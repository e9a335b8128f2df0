namespace Persona.Recommend.Ranking.Features;

/// <summary>
/// An item the user bought that people buy again: twice its repurchase rate, at most 1, when the rate reaches
/// <see cref="RecommenderOptions.RepurchaseRate"/>; else 0.
/// </summary>
internal sealed class BuyAgainFeature : IRankingFeature
{
    public const string Key = "buyAgain";

    public string Name => Key;

    public double HeuristicWeight => 0.5;

    public bool Normalised => false;

    public float Value(RankingContext context, in Candidate candidate)
    {
        if (context.Purchases is null || !context.Purchases.ContainsKey(candidate.Item))
        {
            return 0;
        }

        var rate = context.Reader.RepurchaseRate(candidate.Item);
        return rate >= context.Options.RepurchaseRate ? (float)Math.Min(1, rate * 2) : 0;
    }

    public string? Reason(RankingContext context, in Candidate candidate, float value) => "buy again";
}
