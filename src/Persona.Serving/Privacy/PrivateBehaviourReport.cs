using Persona.Serving.Analysis;

namespace Persona.Serving.Privacy;

/// <summary>
/// A behaviour report released with ε-differential privacy: Laplace noise on every count and share. One user
/// changes at most <see cref="Sensitivity"/> of them by one in total (L1): the total, the funnel's three rows of
/// four counts, a cohort's size and its retained weeks, the interest table's user count and score sum, the two habit
/// histograms (a user's shares sum to 1 in each), and one band of price, churn and satisfaction. Mean interest scores
/// are the noisy sum over the noisy count; step conversions follow from the noisy counts.
/// </summary>
public static class PrivateBehaviourReport
{
    public const double Sensitivity = 1 + 12 + (1 + BehaviourAnalysis.MaxWeeks) + 2 + 2 + 1 + 1 + 1;

    public static BehaviourReport Release(BehaviourReport report, double epsilon)
    {
        ArgumentNullException.ThrowIfNull(report);
        var b = LaplaceMechanism.Scale(Sensitivity, epsilon);
        long N(long count) => LaplaceMechanism.Release(count, b);
        FunnelRow F(FunnelRow r) => new(r.Key, N(r.Users), N(r.Viewed), N(r.Carted), N(r.Purchased));
        IReadOnlyList<BandCount> Bands(IReadOnlyList<BandCount> bands) => [.. bands.Select(x => new BandCount(x.Band, N(x.Users)))];
        IReadOnlyList<double> Shares(IReadOnlyList<double> shares) => [.. shares.Select(s => Math.Round(Math.Max(0, s + LaplaceMechanism.Sample(b)), 3))];
        return report with
        {
            Users = N(report.Users),
            Funnel = new FunnelReport(F(report.Funnel.Overall), [.. report.Funnel.ByCategory.Select(F)], [.. report.Funnel.ByChannel.Select(F)]),
            Cohorts = [.. report.Cohorts.Select(c => new CohortRow(c.Week, N(c.Users), [.. c.Retained.Select(N)]))],
            Interests = [.. report.Interests.Select(i =>
            {
                var users = N(i.Users);
                var sum = Math.Max(0, (i.MeanScore * i.Users) + LaplaceMechanism.Sample(b));
                return new InterestShare(i.Category, users, users == 0 ? 0 : Math.Round(Math.Min(1, sum / users), 4));
            })],
            Habits = new HabitsReport(Shares(report.Habits.HourOfDay), Shares(report.Habits.DayOfWeek)),
            PriceSensitivity = Bands(report.PriceSensitivity),
            ChurnRisk = report.ChurnRisk with { Bands = Bands(report.ChurnRisk.Bands) },
            Satisfaction = Bands(report.Satisfaction),
        };
    }
}
