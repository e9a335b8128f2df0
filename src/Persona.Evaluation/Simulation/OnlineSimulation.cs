using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Recommend.Experiments;
using Persona.Recommend.Feedback;
using Persona.Recommend.Ranking;
using Persona.Serving.Recommendations;
using Persona.Synthetic;

namespace Persona.Evaluation.Simulation;

/// <summary>
/// A simulated online A/B test on the synthetic shop, through the service's own parts: users are bucketed by
/// <see cref="Bucketing"/>, answers come from the served <see cref="ServedRecommender"/> (index kept from the
/// stream, click feedback, blend and rules, the popularity policy of experiments), every answer is an
/// <see cref="Impression"/>, and responses are attributed by recommendation id into <see cref="ExperimentResults"/>. The shop's organic stream runs for a warm-up, then for the test days;
/// at each session start the user is shown k items and responds according to the interests the generator
/// planted in them at that moment (which drift for half of the users): position p is examined with
/// probability 1 / log2(p + 2), an examined item is clicked with probability base + gain × the user's planted
/// weight on its leaf category, and a click becomes a purchase with a probability that also grows with it.
/// Clicks and purchases go back into the stream, so profiles and the index learn from them.
/// Arms: popularity (trending only), personalised with profiles as of every event (real time), and the same
/// recommender with profiles as of the last midnight (refreshed daily).
/// </summary>
public sealed class OnlineSimulation(SimulationOptions options)
{
    public const string Popularity = "popularity";
    public const string RealTime = "personalised-realtime";
    public const string Daily = "personalised-daily";

    [SuppressMessage("Maintainability", "CA1506:Avoid excessive class coupling", Justification = "The simulation's loop drives the shop, the engine, the served recommender and the experiment together; to be split with the session-intent simulator (issue #25)")]
    public SimulationResult Run(Action<string>? log = null)
    {
        var shop = new SyntheticShop(new ShopOptions
        {
            Seed = options.Seed,
            Users = options.Users,
            Items = options.Items,
            Events = long.MaxValue,
            Start = options.Start,
            Horizon = TimeSpan.FromDays(options.WarmupDays + options.TestDays),
            ChurnShare = 0,
        });
        var catalog = new CatalogIndex();
        catalog.Upsert(shop.Catalog);
        var leafOf = LeafIndex(shop);
        var engine = new ProfileEngine(new EngineConfig());
        var reader = new ProfileReader(engine);
        var blend = options.Blend ?? BlendWeights.Heuristic;
        var stack = new ServedRecommender(catalog, new RecommendationsOptions { Blend = blend, ImpressionsKept = 1_000_000 });
        var experiment = new Experiment
        {
            Id = "simulated",
            Variants = [new Variant { Name = Popularity, Policy = Variant.Popularity }, new Variant { Name = RealTime }, new Variant { Name = Daily }],
        };
        var results = new ExperimentResults(experiment);
        stack.Experiment = results;
        var states = new Dictionary<string, ProfileState>(StringComparer.Ordinal);
        var daily = new Dictionary<string, UserSignals>(StringComparer.Ordinal);
        var rng = new Random(options.Seed ^ 0x51A7);
        var testStart = options.Start.AddDays(options.WarmupDays).ToUnixTimeMilliseconds();
        var end = options.Start.AddDays(options.WarmupDays + options.TestDays).ToUnixTimeMilliseconds();
        var lastSession = new Dictionary<string, string?>(StringComparer.Ordinal);
        long day = -1, hour = -1, organic = 0, slates = 0, responses = 0;
        var users = new Dictionary<string, SyntheticUser>(StringComparer.Ordinal);
        var logged = new List<Impression>();
        var responseEvents = new List<BehaviorEvent>();

        void Apply(BehaviorEvent e)
        {
            if (!states.TryGetValue(e.UserId, out var state))
            {
                state = new ProfileState(e.UserId);
                states[e.UserId] = state;
            }

            engine.Apply(state, e, catalog);
            stack.Observe([e]);
        }

        foreach (var e in shop.Events())
        {
            if (e.TimestampMs >= end)
            {
                break;
            }

            var h = e.TimestampMs / 3_600_000;
            if (h != hour)
            {
                hour = h;
                stack.Index.Refresh(); // the service rebuilds its ranked lists every second; hourly is enough for simulated time
            }

            var d = e.TimestampMs / 86_400_000;
            if (d != day)
            {
                // Midnight: the daily arm's profiles are read now and kept until the next midnight.
                day = d;
                var midnight = d * 86_400_000;
                foreach (var (user, state) in states)
                {
                    daily[user] = UserSignals.Read(reader, state, catalog, midnight);
                }
            }

            var sessionStart = !lastSession.TryGetValue(e.UserId, out var previous) || previous != e.SessionId;
            lastSession[e.UserId] = e.SessionId;
            if (e.TimestampMs >= testStart && sessionStart)
            {
                var variant = Bucketing.Assign(experiment, e.UserId);
                var signals = variant.Name switch
                {
                    RealTime => states.TryGetValue(e.UserId, out var s) ? UserSignals.Read(reader, s, catalog, e.TimestampMs) : null,
                    Daily => daily.GetValueOrDefault(e.UserId),
                    _ => null,
                };
                var id = (++slates).ToString(CultureInfo.InvariantCulture);
                var request = new RecommendRequest { UserId = e.UserId, K = options.K, User = signals, NowMs = e.TimestampMs };
                var answer = stack.Recommend(request, id, scorer: null, variant);
                logged.Add(stack.Shown(answer, experiment.Id, e.TimestampMs));
                if (!users.TryGetValue(e.UserId, out var planted))
                {
                    planted = shop.User(int.Parse(e.UserId.AsSpan(1), CultureInfo.InvariantCulture));
                    users[e.UserId] = planted;
                }

                var interests = planted.InterestsAt(e.TimestampMs);
                for (var p = 0; p < answer.Items.Count; p++)
                {
                    var itemId = answer.Items[p].ItemId;
                    var weight = leafOf.TryGetValue(itemId, out var leaf) ? Weight(interests, leaf) : 0;
                    if (rng.NextDouble() >= 1 / Math.Log2(p + 2) || rng.NextDouble() >= options.BaseClick + (options.ClickGain * weight))
                    {
                        continue;
                    }

                    var t = e.TimestampMs + 1 + p;
                    responses++;
                    var click = new BehaviorEvent { EventId = $"sim-c-{id}-{p}", Type = (byte)EventType.Click, UserId = e.UserId, ItemId = itemId, TimestampMs = t, SessionId = e.SessionId, RecommendationId = id };
                    responseEvents.Add(click);
                    Apply(click);
                    if (rng.NextDouble() < options.PurchaseGivenClick * (0.5 + weight))
                    {
                        var price = catalog.Record(itemId)?.Price ?? 0;
                        Apply(new BehaviorEvent { EventId = $"sim-p-{id}-{p}", Type = (byte)EventType.Purchase, UserId = e.UserId, ItemId = itemId, TimestampMs = t + 1, SessionId = e.SessionId, RecommendationId = id, Price = price, Quantity = 1 });
                    }
                }
            }

            Apply(e);
            organic++;
        }

        log?.Invoke($"simulated {organic:N0} organic events, {slates:N0} answers, {responses:N0} clicks");
        var report = results.Report();
        var byName = report.Variants.ToDictionary(v => v.Name, StringComparer.Ordinal);
        var rt = byName[RealTime];
        var dl = byName[Daily];
        var ctrGap = Statistics.ProportionDifference(dl.Clicks, dl.ItemsShown, rt.Clicks, rt.ItemsShown);
        var convertedRt = (long)Math.Round(rt.ConversionRate.Value * rt.Users);
        var convertedDl = (long)Math.Round(dl.ConversionRate.Value * dl.Users);
        var cvrGap = Statistics.ProportionDifference(convertedDl, dl.Users, convertedRt, rt.Users);
        return new SimulationResult(report, organic, slates, responses,
            new Gap(ctrGap.Difference, ctrGap.Low, ctrGap.High, Statistics.TwoProportionP(dl.Clicks, dl.ItemsShown, rt.Clicks, rt.ItemsShown)),
            new Gap(cvrGap.Difference, cvrGap.Low, cvrGap.High, Statistics.TwoProportionP(convertedDl, dl.Users, convertedRt, rt.Users)))
        {
            Logged = logged,
            ClickEvents = responseEvents,
        };
    }

    private static double Weight(IReadOnlyList<(int Leaf, double Weight)> interests, int leaf)
    {
        foreach (var (l, w) in interests)
        {
            if (l == leaf)
            {
                return w;
            }
        }

        return 0;
    }

    private static Dictionary<string, int> LeafIndex(SyntheticShop shop)
    {
        var leaves = shop.LeafCategories.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in shop.Catalog)
        {
            if (leaves.TryGetValue(string.Join('/', item.CategoryPath), out var leaf))
            {
                result[item.ItemId] = leaf;
            }
        }

        return result;
    }
}

/// <summary>The simulated shop and its users' response model.</summary>
public sealed record SimulationOptions
{
    public int Seed { get; init; } = 42;

    public int Users { get; init; } = 5_000;

    public int Items { get; init; } = 2_000;

    public DateTimeOffset Start { get; init; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public int WarmupDays { get; init; } = 14;

    public int TestDays { get; init; } = 14;

    public int K { get; init; } = 10;

    /// <summary>Click probability of an examined item the user has no planted interest in.</summary>
    public double BaseClick { get; init; } = 0.01;

    /// <summary>Added click probability per unit of planted weight on the item's leaf category.</summary>
    public double ClickGain { get; init; } = 0.5;

    /// <summary>Purchase probability after a click, times (0.5 + planted weight).</summary>
    public double PurchaseGivenClick { get; init; } = 0.15;

    /// <summary>The personalised arms' blend (default: the heuristic).</summary>
    public BlendWeights? Blend { get; init; }
}

/// <summary>The arms' report, the volumes, and the real-time minus daily gaps (CTR per item shown, conversion per user) with 95 % intervals.</summary>
public sealed record SimulationResult(ExperimentReport Report, long OrganicEvents, long Answers, long Clicks, Gap RealTimeMinusDailyCtr, Gap RealTimeMinusDailyConversion)
{
    /// <summary>Every answer as logged (with its features), for learning a ranker from what was served.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<Impression> Logged { get; init; } = [];

    /// <summary>The simulated users' clicks on answers.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<BehaviorEvent> ClickEvents { get; init; } = [];
}

public sealed record Gap(double Difference, double Low, double High, double P);
