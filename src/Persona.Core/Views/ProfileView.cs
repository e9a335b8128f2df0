namespace Persona.Core.Views;

/// <summary>A user's profile as served: everything derived at read time from the engine state.</summary>
public sealed record ProfileView
{
    public required string UserId { get; init; }

    public required DateTimeOffset AsOf { get; init; }

    public required long EventCount { get; init; }

    public required DateTimeOffset FirstSeen { get; init; }

    public required DateTimeOffset LastSeen { get; init; }

    /// <summary>new, active, at-risk or dormant.</summary>
    public required string Lifecycle { get; init; }

    public required InterestsView Interests { get; init; }

    public required IReadOnlyDictionary<string, CounterView> Counters { get; init; }

    public required RfmView Rfm { get; init; }

    /// <summary>exp(mean log(price / category median)) over priced item events: 1 = median buyer, &lt;1 cheaper.</summary>
    public double? PriceLevel { get; init; }

    /// <summary>Purchases per item view.</summary>
    public double? ConversionRate { get; init; }

    /// <summary>Share of finished sessions with a cart add and no purchase, among finished sessions with a cart add.</summary>
    public double? CartAbandonmentRate { get; init; }

    public required SessionsView Sessions { get; init; }

    public required IReadOnlyList<int> HourOfDay { get; init; }

    /// <summary>Sunday first.</summary>
    public required IReadOnlyList<int> DayOfWeek { get; init; }

    public required IReadOnlyDictionary<string, long> Devices { get; init; }

    public required IReadOnlyDictionary<string, long> Channels { get; init; }

    /// <summary>Events per domain (business line or site), for those that named one.</summary>
    public IReadOnlyDictionary<string, long> Domains { get; init; } = new Dictionary<string, long>();

    /// <summary>Events per platform (web, app, mini-program, partner), for those that named one.</summary>
    public IReadOnlyDictionary<string, long> Platforms { get; init; } = new Dictionary<string, long>();

    public double? RatingMean { get; init; }

    public long RatingCount { get; init; }

    /// <summary>Satisfaction from ratings, review sentiment and configured signals; absent before the first signal.</summary>
    public SatisfactionView? Satisfaction { get; init; }

    public long RecommendationClicks { get; init; }

    public long RecommendationPurchases { get; init; }

    /// <summary>Newest first.</summary>
    public required IReadOnlyList<RecentItemView> RecentItems { get; init; }

    public IReadOnlyList<ExplainedInterest>? Explain { get; init; }

    /// <summary>The active models' predictions (absent when no model is active).</summary>
    public PredictionsView? Predictions { get; init; }
}
