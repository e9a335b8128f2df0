namespace Persona.Recommend.Experiments;

/// <summary>
/// What an experiment has measured so far, per variant: users exposed, answers and items shown, clicks and
/// purchases attributed through the recommendation id, revenue. Safe for concurrent use.
/// </summary>
public sealed class ExperimentResults(Experiment experiment)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Arm> _arms = experiment.Variants.ToDictionary(v => v.Name, _ => new Arm(), StringComparer.Ordinal);
    private long _version;

    public Experiment Experiment { get; } = experiment;

    public void Shown(string variant, string userId, int items)
    {
        lock (_lock)
        {
            if (_arms.TryGetValue(variant, out var arm))
            {
                _version++;
                arm.Answers++;
                arm.Items += items;
                arm.Users.TryAdd(userId, new UserOutcome());
            }
        }
    }

    /// <summary>Drops one user's outcomes from every arm (an erasure); the arms' answer, item, click and purchase totals stay.</summary>
    public bool Forget(string userId)
    {
        lock (_lock)
        {
            var removed = false;
            foreach (var arm in _arms.Values)
            {
                removed |= arm.Users.Remove(userId);
            }

            if (removed)
            {
                _version++;
            }

            return removed;
        }
    }

    public void Clicked(string variant, string userId)
    {
        lock (_lock)
        {
            if (_arms.TryGetValue(variant, out var arm))
            {
                _version++;
                arm.Clicks++;
                if (arm.Users.TryGetValue(userId, out var u))
                {
                    u.Clicks++;
                }
            }
        }
    }

    public void Purchased(string variant, string userId, double revenue)
    {
        lock (_lock)
        {
            if (_arms.TryGetValue(variant, out var arm))
            {
                _version++;
                arm.Purchases++;
                if (arm.Users.TryGetValue(userId, out var u))
                {
                    u.Purchases++;
                    u.Revenue += revenue;
                }
            }
        }
    }

    /// <summary>Grows with every change to the counts, so a copy of them (<see cref="Tally"/>) is known to be current.</summary>
    public long Version
    {
        get
        {
            lock (_lock)
            {
                return _version;
            }
        }
    }

    /// <summary>A copy of the counts so far.</summary>
    public ExperimentTally Tally()
    {
        lock (_lock)
        {
            return new ExperimentTally([.. Experiment.Variants.Select(v =>
            {
                var arm = _arms[v.Name];
                return new ArmTally(
                    v.Name, arm.Answers, arm.Items, arm.Clicks, arm.Purchases,
                    [.. arm.Users.Select(u => new UserTally(u.Key, u.Value.Clicks, u.Value.Purchases, u.Value.Revenue))]);
            })]);
        }
    }

    /// <summary>The report of the counts here alone.</summary>
    public ExperimentReport Report() => Report(Experiment, [Tally()]);

    /// <summary>
    /// The report of the counts of several servers (<see cref="ExperimentTally.Merge"/>): per variant rates with
    /// 95 % intervals, and each variant's tests against the control (the first).
    /// </summary>
    public static ExperimentReport Report(Experiment experiment, IEnumerable<ExperimentTally> tallies)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        var merged = ExperimentTally.Merge(tallies);
        var empty = new ArmTally(string.Empty, 0, 0, 0, 0, []);
        ArmTally Arm(string name) => merged.Arms.FirstOrDefault(a => a.Name == name) ?? empty;
        var control = Arm(experiment.Variants[0].Name);
        var controlRevenue = control.Users.Select(u => u.Revenue).ToList();
        var controlConverted = control.Users.Count(u => u.Purchases > 0);
        var variants = new List<VariantReport>();
        foreach (var v in experiment.Variants)
        {
            var arm = Arm(v.Name);
            var users = arm.Users.Count;
            var converted = arm.Users.Count(u => u.Purchases > 0);
            var revenue = arm.Users.Select(u => u.Revenue).ToList();
            var ctr = Statistics.Wilson(arm.Clicks, arm.Items);
            var cvr = Statistics.Wilson(converted, users);
            var rpu = Statistics.MeanInterval(revenue);
            var isControl = v.Name == experiment.Variants[0].Name;
            variants.Add(new VariantReport(
                v.Name,
                v.Policy,
                users,
                arm.Answers,
                arm.Items,
                arm.Clicks,
                arm.Purchases,
                new Estimate(Rate(arm.Clicks, arm.Items), ctr.Low, ctr.High),
                new Estimate(Rate(converted, users), cvr.Low, cvr.High),
                new Estimate(rpu.Mean, rpu.Low, rpu.High),
                isControl ? null : new Comparison(
                    Statistics.TwoProportionP(control.Clicks, control.Items, arm.Clicks, arm.Items),
                    Statistics.TwoProportionP(controlConverted, control.Users.Count, converted, users),
                    Statistics.WelchP(controlRevenue, revenue))));
        }

        return new ExperimentReport(experiment.Id, experiment.Variants[0].Name, variants);
    }

    private static double Rate(long s, long n) => n == 0 ? 0 : (double)s / n;

    private sealed class Arm
    {
        public Dictionary<string, UserOutcome> Users { get; } = new(StringComparer.Ordinal);

        public long Answers { get; set; }

        public long Items { get; set; }

        public long Clicks { get; set; }

        public long Purchases { get; set; }
    }

    private sealed class UserOutcome
    {
        public long Clicks { get; set; }

        public long Purchases { get; set; }

        public double Revenue { get; set; }
    }
}

/// <summary>An experiment's report.</summary>
public sealed record ExperimentReport(string Id, string Control, IReadOnlyList<VariantReport> Variants);

/// <summary>
/// One variant: click-through rate per item shown, conversion rate per user exposed (a user with at least one
/// attributed purchase), revenue per user exposed; each with its 95 % interval; and p-values against the
/// control (two-proportion z-tests for the rates, Welch for revenue). Items shown to one user are not
/// independent, so the click-through interval is narrower than the truth when users see many answers; the
/// per-user rates are the ones to decide on.
/// </summary>
public sealed record VariantReport(
    string Name,
    string Policy,
    long Users,
    long Answers,
    long ItemsShown,
    long Clicks,
    long Purchases,
    Estimate ClickThroughRate,
    Estimate ConversionRate,
    Estimate RevenuePerUser,
    Comparison? VersusControl);

public sealed record Estimate(double Value, double Low, double High);

public sealed record Comparison(double ClickThroughP, double ConversionP, double RevenuePerUserP);
