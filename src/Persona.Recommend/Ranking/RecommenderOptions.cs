namespace Persona.Recommend.Ranking;

/// <summary>Candidate counts and business rules.</summary>
public sealed record RecommenderOptions
{
    /// <summary>Leave out items the user bought (except those people buy again, see <see cref="RepurchaseRate"/>).</summary>
    public bool ExcludePurchased { get; init; } = true;

    /// <summary>Leave out the items in the user's recent sequence (already seen; "recently viewed" is another shelf), except buy-again items.</summary>
    public bool ExcludeRecent { get; init; } = true;

    /// <summary>Items whose buyers buy again at least this often are offered again (buy-again) rather than excluded.</summary>
    public double RepurchaseRate { get; init; } = 0.2;

    /// <summary>At most this share of an answer from one leaf category (diversity); 1 turns the cap off.</summary>
    public double MaxCategoryShare { get; init; } = 0.5;

    /// <summary>Candidates taken from the learned scorer.</summary>
    public int ScorerCandidates { get; init; } = 100;

    /// <summary>Recent items whose neighbours are candidates, and neighbours taken from each.</summary>
    public int CoOccurrenceAnchors { get; init; } = 10;

    public int NeighboursPerAnchor { get; init; } = 30;

    /// <summary>Top interests (category nodes, brands) whose trending items are candidates, and items taken from each.</summary>
    public int InterestAnchors { get; init; } = 4;

    public int ItemsPerInterest { get; init; } = 20;

    /// <summary>Overall trending items taken as candidates.</summary>
    public int TrendingCandidates { get; init; } = 50;

    /// <summary>Largest k a request may ask for.</summary>
    public int MaxK { get; init; } = 100;

    public void Validate()
    {
        var errors = new List<string>();
        if (RepurchaseRate is < 0 or > 1)
        {
            errors.Add("repurchaseRate: must be within 0..1");
        }

        if (MaxCategoryShare is <= 0 or > 1)
        {
            errors.Add("maxCategoryShare: must be within (0, 1]");
        }

        if (ScorerCandidates < 0 || CoOccurrenceAnchors < 0 || NeighboursPerAnchor < 0 || InterestAnchors < 0 || ItemsPerInterest < 0 || TrendingCandidates < 1)
        {
            errors.Add("candidate counts: must not be negative (trendingCandidates at least 1)");
        }

        if (MaxK is < 1 or > 1_000)
        {
            errors.Add("maxK: must be within 1..1000");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid recommender options: " + string.Join("; ", errors));
        }
    }
}
