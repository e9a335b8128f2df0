using System.Globalization;
using Persona.Core.Views;

namespace Persona.Serving.Analysis;

/// <summary>
/// Folds served profiles into a <see cref="BehaviourReport"/>, one profile at a time: cost O(1) per profile and
/// memory O(categories + channels + weeks), whatever the number of users or events (their history is already
/// summed in each profile). How each table is read from a profile:
/// <list type="bullet">
/// <item>funnel: the user's view, cart-add and purchase counters (at least one each);</item>
/// <item>cohorts: first seen (its week) and last seen (the weeks retained up to it), at most <see cref="MaxWeeks"/> weeks;</item>
/// <item>interests: the top-level category of the strongest category interest;</item>
/// <item>habits: the hour-of-day and day-of-week histograms, each normalised to 1;</item>
/// <item>price sensitivity: the price level (price paid over the category median) in bands;</item>
/// <item>churn risk: the churn model's risk in tenths, or the lifecycle stage without a model;</item>
/// <item>satisfaction: its level, or "unknown" before any signal.</item>
/// </list>
/// </summary>
public sealed class BehaviourAnalysis
{
    /// <summary>Retention weeks listed per cohort.</summary>
    public const int MaxWeeks = 12;

    /// <summary>The price level bands (upper bounds; the last is open).</summary>
    public static IReadOnlyList<(string Band, double Below)> PriceBands { get; } =
        [("< 0.8 (bargain hunters)", 0.8), ("0.8–0.95", 0.95), ("0.95–1.05 (typical)", 1.05), ("1.05–1.25", 1.25), ("≥ 1.25 (premium)", double.PositiveInfinity)];

    private static readonly string[] LifecycleStages = ["new", "active", "at-risk", "dormant"];
    private static readonly string[] SatisfactionLevels = ["dissatisfied", "neutral", "satisfied", "unknown"];

    private readonly long _asOfMs;
    private readonly Funnel _overall = new("all");
    private readonly Dictionary<string, Funnel> _byCategory = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Funnel> _byChannel = new(StringComparer.Ordinal);
    private readonly Dictionary<DateOnly, long[]> _cohorts = [];
    private readonly Dictionary<string, (long Users, double Score)> _interests = new(StringComparer.Ordinal);
    private readonly double[] _hours = new double[24];
    private readonly double[] _days = new double[7];
    private readonly long[] _price = new long[PriceBands.Count + 1];
    private readonly long[] _risk = new long[10];
    private readonly Dictionary<string, long> _lifecycle = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _satisfaction = new(StringComparer.Ordinal);
    private long _users;
    private bool _model;

    public BehaviourAnalysis(DateTimeOffset asOf) => _asOfMs = asOf.ToUnixTimeMilliseconds();

    /// <summary>Adds one user's served profile.</summary>
    public void Add(ProfileView p)
    {
        ArgumentNullException.ThrowIfNull(p);
        _users++;
        var viewed = Count(p, "view") > 0;
        var carted = Count(p, "cart_add") > 0;
        var purchased = Count(p, "purchase") > 0;
        var category = p.Interests.Categories.Count > 0 ? TopLevel(p.Interests.Categories[0].Feature) : "(none)";
        var channel = p.Channels.Count > 0 ? p.Channels.MaxBy(c => (c.Value, c.Key)).Key : "(unknown)";
        _overall.Add(viewed, carted, purchased);
        Row(_byCategory, category).Add(viewed, carted, purchased);
        Row(_byChannel, channel).Add(viewed, carted, purchased);

        var first = WeekOf(p.FirstSeen);
        if (!_cohorts.TryGetValue(first, out var cohort))
        {
            _cohorts[first] = cohort = new long[MaxWeeks + 1]; // [0]: users; [1 + k]: retained in week k
        }

        cohort[0]++;
        var weeks = Math.Min(MaxWeeks - 1, (WeekOf(p.LastSeen).DayNumber - first.DayNumber) / 7);
        for (var k = 0; k <= weeks; k++)
        {
            cohort[1 + k]++;
        }

        if (p.Interests.Categories.Count > 0)
        {
            var (users, score) = _interests.GetValueOrDefault(category);
            _interests[category] = (users + 1, score + p.Interests.Categories[0].Score);
        }

        AddShares(p.HourOfDay, _hours);
        AddShares(p.DayOfWeek, _days);
        _price[p.PriceLevel is { } level ? IndexOfBand(level) : PriceBands.Count]++;
        if (p.Predictions?.ChurnRisk is { } risk)
        {
            _model = true;
            _risk[Math.Clamp((int)(risk * 10), 0, 9)]++;
        }

        _lifecycle[p.Lifecycle] = _lifecycle.GetValueOrDefault(p.Lifecycle) + 1;
        var satisfaction = p.Satisfaction?.Level ?? "unknown";
        _satisfaction[satisfaction] = _satisfaction.GetValueOrDefault(satisfaction) + 1;
    }

    /// <summary>The report of the profiles added, with the time it took to build.</summary>
    public BehaviourReport Build(double computeSeconds)
    {
        var price = PriceBands.Select((b, i) => new BandCount(b.Band, _price[i])).Append(new BandCount("unknown", _price[^1])).ToList();
        var churn = _model
            ? new ChurnRiskReport("model", [.. _risk.Select((n, i) => new BandCount(string.Create(CultureInfo.InvariantCulture, $"{i / 10.0:0.0}–{(i + 1) / 10.0:0.0}"), n))])
            : new ChurnRiskReport("lifecycle", [.. LifecycleStages.Select(s => new BandCount(s, _lifecycle.GetValueOrDefault(s)))]);
        return new BehaviourReport(
            DateTimeOffset.FromUnixTimeMilliseconds(_asOfMs),
            _users,
            Math.Round(computeSeconds, 3),
            new FunnelReport(_overall.Row(), Rows(_byCategory), Rows(_byChannel)),
            [.. _cohorts.OrderBy(c => c.Key).Select(c => new CohortRow(c.Key, c.Value[0], [.. c.Value[1..].Take(Math.Min(MaxWeeks, 1 + ((WeekOf(DateTimeOffset.FromUnixTimeMilliseconds(_asOfMs)).DayNumber - c.Key.DayNumber) / 7)))]))],
            [.. _interests.OrderByDescending(i => i.Value.Users).ThenBy(i => i.Key, StringComparer.Ordinal).Select(i => new InterestShare(i.Key, i.Value.Users, Math.Round(i.Value.Score / i.Value.Users, 4)))],
            new HabitsReport([.. _hours.Select(h => Math.Round(h, 3))], [.. _days.Select(d => Math.Round(d, 3))]),
            price,
            churn,
            [.. SatisfactionLevels.Select(s => new BandCount(s, _satisfaction.GetValueOrDefault(s)))]);
    }

    /// <summary>The Monday (UTC) that starts the week of <paramref name="time"/>.</summary>
    public static DateOnly WeekOf(DateTimeOffset time)
    {
        var day = DateOnly.FromDateTime(time.UtcDateTime);
        return day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
    }

    private static long Count(ProfileView p, string type) => p.Counters.TryGetValue(type, out var c) ? c.Total : 0;

    private static string TopLevel(string feature)
    {
        var path = feature.StartsWith("category:", StringComparison.Ordinal) ? feature["category:".Length..] : feature;
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? path : path[..slash];
    }

    private static int IndexOfBand(double level)
    {
        for (var i = 0; i < PriceBands.Count; i++)
        {
            if (level < PriceBands[i].Below)
            {
                return i;
            }
        }

        return PriceBands.Count - 1;
    }

    private static void AddShares(IReadOnlyList<int> counts, double[] into)
    {
        long total = 0;
        foreach (var c in counts)
        {
            total += c;
        }

        if (total == 0)
        {
            return;
        }

        for (var i = 0; i < into.Length && i < counts.Count; i++)
        {
            into[i] += counts[i] / (double)total;
        }
    }

    private static Funnel Row(Dictionary<string, Funnel> rows, string key)
    {
        if (!rows.TryGetValue(key, out var row))
        {
            rows[key] = row = new Funnel(key);
        }

        return row;
    }

    private static List<FunnelRow> Rows(Dictionary<string, Funnel> rows) =>
        [.. rows.Values.Select(f => f.Row()).OrderByDescending(r => r.Users).ThenBy(r => r.Key, StringComparer.Ordinal)];

    private sealed class Funnel(string key)
    {
        private long _users, _viewed, _carted, _purchased;

        public void Add(bool viewed, bool carted, bool purchased)
        {
            _users++;
            _viewed += viewed ? 1 : 0;
            _carted += carted ? 1 : 0;
            _purchased += purchased ? 1 : 0;
        }

        public FunnelRow Row() => new(key, _users, _viewed, _carted, _purchased);
    }
}
