namespace Persona.Serving.Analysis;

/// <summary>
/// Behaviour analysis over every profile at <see cref="AsOf"/>: funnels, cohort retention, the distribution of
/// interests, time habits, price sensitivity, churn risk and satisfaction. Every figure counts users, and each
/// user counts at most once per row of a table (<see cref="BehaviourAnalysis"/> says how each is built).
/// </summary>
public sealed record BehaviourReport(
    DateTimeOffset AsOf,
    long Users,
    double ComputeSeconds,
    FunnelReport Funnel,
    IReadOnlyList<CohortRow> Cohorts,
    IReadOnlyList<InterestShare> Interests,
    HabitsReport Habits,
    IReadOnlyList<BandCount> PriceSensitivity,
    ChurnRiskReport ChurnRisk,
    IReadOnlyList<BandCount> Satisfaction);

/// <summary>
/// Users who viewed, added to a cart and bought (at least once), overall, by the top-level category of their
/// strongest interest and by their most used channel; with the step conversions.
/// </summary>
public sealed record FunnelReport(FunnelRow Overall, IReadOnlyList<FunnelRow> ByCategory, IReadOnlyList<FunnelRow> ByChannel);

public sealed record FunnelRow(string Key, long Users, long Viewed, long Carted, long Purchased)
{
    public double? ViewToCart => Viewed == 0 ? null : Math.Round(Carted / (double)Viewed, 4);

    public double? CartToPurchase => Carted == 0 ? null : Math.Round(Purchased / (double)Carted, 4);

    public double? ViewToPurchase => Viewed == 0 ? null : Math.Round(Purchased / (double)Viewed, 4);
}

/// <summary>
/// The users first seen in the week starting <see cref="Week"/> (Monday, UTC), and of them how many were still
/// seen in week k after it, for k = 0, 1, …: rolling retention (last seen in week k or later), which profiles
/// give exactly.
/// </summary>
public sealed record CohortRow(DateOnly Week, long Users, IReadOnlyList<long> Retained);

/// <summary>Users whose strongest category interest is this top-level category, and their mean score on it.</summary>
public sealed record InterestShare(string Category, long Users, double MeanScore);

/// <summary>
/// When users are active: each user's events spread over hours (UTC) and weekdays (Sunday first) as shares
/// summing to 1, summed over users, so that a heavy user counts as much as a light one.
/// </summary>
public sealed record HabitsReport(IReadOnlyList<double> HourOfDay, IReadOnlyList<double> DayOfWeek);

/// <summary>Users in a band of a value (price level, churn risk) or at a level (satisfaction).</summary>
public sealed record BandCount(string Band, long Users);

/// <summary>Churn risk by the served churn model (<see cref="Source"/> "model") or, without one, by lifecycle stage ("lifecycle").</summary>
public sealed record ChurnRiskReport(string Source, IReadOnlyList<BandCount> Bands);
