namespace Persona.Recommend.Index;

/// <summary>How the stream-maintained candidate sources weigh and bound what they keep.</summary>
public sealed record IndexOptions
{
    /// <summary>Half-life of an item's trending score, in event time.</summary>
    public TimeSpan TrendingHalfLife { get; init; } = TimeSpan.FromDays(3);

    /// <summary>How many of a user's latest item events each new one is paired with for co-occurrence.</summary>
    public int CoOccurrenceWindow { get; init; } = 5;

    /// <summary>Pairs further apart than this in event time are not counted (one shopping intent).</summary>
    public TimeSpan CoOccurrenceMaxGap { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Neighbours kept per item; when twice as many have been seen the weakest half is dropped.</summary>
    public int NeighboursPerItem { get; init; } = 100;

    /// <summary>How long the ranked trending lists may be reused before they are rebuilt from the scores.</summary>
    public TimeSpan TrendingRefresh { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>In-stock catalog items with fewer events than this are new arrivals.</summary>
    public int NewItemMaxEvents { get; init; } = 3;

    public void Validate()
    {
        var errors = new List<string>();
        if (TrendingHalfLife <= TimeSpan.Zero)
        {
            errors.Add("trendingHalfLife: must be positive");
        }

        if (CoOccurrenceWindow is < 1 or > 100)
        {
            errors.Add("coOccurrenceWindow: must be within 1..100");
        }

        if (NeighboursPerItem is < 1 or > 10_000)
        {
            errors.Add("neighboursPerItem: must be within 1..10000");
        }

        if (CoOccurrenceMaxGap <= TimeSpan.Zero)
        {
            errors.Add("coOccurrenceMaxGap: must be positive");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid recommendation index options: " + string.Join("; ", errors));
        }
    }
}
