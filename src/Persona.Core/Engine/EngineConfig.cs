using Persona.Core.Events;

namespace Persona.Core.Engine;

/// <summary>
/// Profile engine settings. Defaults are documented in docs/PROFILE.md; every value can be overridden.
/// </summary>
public sealed record EngineConfig
{
    /// <summary>Interest half-life for category nodes.</summary>
    public TimeSpan CategoryHalfLife { get; init; } = TimeSpan.FromDays(14);

    public TimeSpan BrandHalfLife { get; init; } = TimeSpan.FromDays(14);

    public TimeSpan TagHalfLife { get; init; } = TimeSpan.FromDays(7);

    public TimeSpan PriceBandHalfLife { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Interest weight of one event per type name; ratings are handled by <see cref="RatingWeight"/>.</summary>
    public IReadOnlyDictionary<string, double> TypeWeights { get; init; } = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["view"] = 1.0,
        ["click"] = 1.5,
        ["cart_add"] = 3.0,
        ["cart_remove"] = -1.0,
        ["purchase"] = 5.0,
        ["review"] = 2.0,
        ["preference"] = 4.0,
        ["impression"] = 0.0,
        ["search"] = 0.0,
    };

    /// <summary>A rating r adds (r - <see cref="RatingCentre"/>) x this weight: 5 stars +3, 1 star -3.</summary>
    public double RatingWeight { get; init; } = 1.5;

    public double RatingCentre { get; init; } = 3.0;

    /// <summary>Most interest features kept per profile; past it the weakest is evicted.</summary>
    public int MaxInterests { get; init; } = 128;

    /// <summary>Length of the recent item sequence.</summary>
    public int RecentItems { get; init; } = 50;

    /// <summary>Inactivity gap that closes a session.</summary>
    public TimeSpan SessionGap { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Lifecycle: a user first seen within this span is "new".</summary>
    public TimeSpan NewUserSpan { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Lifecycle: a user last seen within this span is "active".</summary>
    public TimeSpan ActiveSpan { get; init; } = TimeSpan.FromDays(14);

    /// <summary>Lifecycle: a user last seen within this span (but not active) is "at-risk"; beyond it "dormant".</summary>
    public TimeSpan AtRiskSpan { get; init; } = TimeSpan.FromDays(60);

    public IReadOnlyList<string> CustomEventTypes { get; init; } = [];

    /// <summary>Satisfaction: the half-life of a signal's weight (a review a half-life old counts half).</summary>
    public TimeSpan SatisfactionHalfLife { get; init; } = TimeSpan.FromDays(90);

    /// <summary>
    /// Satisfaction: the signal value (-1 to 1) each event of these types gives, by type name. Returns and
    /// complaints are custom types a shop declares in <see cref="CustomEventTypes"/>; a name not declared is
    /// never seen. Ratings ((stars - 3) / 2) and review sentiment (2p - 1) are signals without being listed.
    /// </summary>
    public IReadOnlyDictionary<string, double> SatisfactionSignals { get; init; } = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["return"] = -1,
        ["complaint"] = -1,
    };

    /// <summary>Checks the settings; throws with every problem found.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        foreach (var (name, span) in new[] { ("categoryHalfLife", CategoryHalfLife), ("brandHalfLife", BrandHalfLife), ("tagHalfLife", TagHalfLife), ("priceBandHalfLife", PriceBandHalfLife), ("sessionGap", SessionGap), ("satisfactionHalfLife", SatisfactionHalfLife) })
        {
            if (span < TimeSpan.FromMinutes(1))
            {
                errors.Add($"{name}: must be at least one minute");
            }
        }

        if (MaxInterests is < 1 or > 4096)
        {
            errors.Add("maxInterests: must be within 1..4096");
        }

        if (RecentItems is < 0 or > 1000)
        {
            errors.Add("recentItems: must be within 0..1000");
        }

        if (!(NewUserSpan > TimeSpan.Zero && ActiveSpan > TimeSpan.Zero && AtRiskSpan > ActiveSpan))
        {
            errors.Add("lifecycle: spans must be positive and atRiskSpan > activeSpan");
        }

        foreach (var (name, value) in SatisfactionSignals)
        {
            if (value is not (>= -1 and <= 1))
            {
                errors.Add($"satisfactionSignals.{name}: must be within -1..1");
            }
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid engine configuration: " + string.Join("; ", errors));
        }
    }

    internal EventTypes BuildEventTypes() => new(CustomEventTypes);
}
