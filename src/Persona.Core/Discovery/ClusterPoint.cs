using Persona.Core.Views;

namespace Persona.Core.Discovery;

/// <summary>
/// A user's features for clustering, raw (as the profile serves them), and the user's top category. The space
/// clustered is log(1 + x) of the counts and amounts, then z-scored per feature (<see cref="ClusterDiscovery"/>).
/// </summary>
public sealed record ClusterPoint(string UserId, IReadOnlyList<double> Features, string? TopCategory)
{
    /// <summary>The features, in order: event count, purchases, spend, days since last seen, price level, conversion rate, sessions, cart abandonment rate.</summary>
    public static IReadOnlyList<string> FeatureNames { get; } =
        ["eventCount", "rfm.frequency", "rfm.monetary", "daysSinceLastSeen", "priceLevel", "conversionRate", "sessions.count", "cartAbandonmentRate"];

    /// <summary>Which features are counts or amounts, clustered as log(1 + x).</summary>
    internal static IReadOnlyList<bool> Logged { get; } = [true, true, true, true, false, false, true, false];

    /// <summary>The point of a served profile; missing ratios are 0, a missing price level is 1 (the median buyer).</summary>
    public static ClusterPoint From(ProfileView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var days = Math.Max(0, (view.AsOf - view.LastSeen).TotalDays);
        return new ClusterPoint(
            view.UserId,
            [view.EventCount, view.Rfm.Frequency, view.Rfm.Monetary, days, view.PriceLevel ?? 1, view.ConversionRate ?? 0, view.Sessions.Count, view.CartAbandonmentRate ?? 0],
            view.Interests.Categories.Count > 0 ? view.Interests.Categories[0].Feature : null);
    }
}
