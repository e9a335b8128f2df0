using Persona.Core.Catalog;
using Persona.Core.Events;
using Persona.Core.Views;

namespace Persona.Core.Engine;

/// <summary>Derives the served <see cref="ProfileView"/> from a state at a given time (read-time derivations).</summary>
public sealed class ProfileReader
{
    private readonly ProfileEngine _engine;

    public ProfileReader(ProfileEngine engine)
    {
        _engine = engine;
    }

    /// <summary>Top interests per kind with scores normalised within the kind (categories: within their depth).</summary>
    /// <remarks>
    /// Served on every profile read, so written without LINQ: one pass for the decayed weights, one sort of
    /// the positive ones by (kind, weight descending, key), and each normaliser summed in the state's order.
    /// </remarks>
    public InterestsView TopInterests(ProfileState state, ICatalogView catalog, long nowMs, int k = 10)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(catalog);
        var n = state.InterestCount;
        Span<double> weights = n <= 256 ? stackalloc double[n] : new double[n];
        _engine.InterestsNow(state, nowMs, weights);
        var all = new Candidate[n];
        var count = 0;
        for (var i = 0; i < n; i++)
        {
            if (weights[i] > 0)
            {
                var feature = state.Interests[i].Key;
                var key = catalog.FeatureName(feature) ?? $"{FeatureId.KindOf(feature).ToString().ToLowerInvariant()}:#{feature:x}";
                all[count] = new Candidate(feature, weights[i], key, Depth(key), count);
                count++;
            }
        }

        var positive = all.AsSpan(0, count);
        var ranked = positive.ToArray();
        ranked.AsSpan().Sort(static (a, b) =>
        {
            var c = ((byte)FeatureId.KindOf(a.Feature)).CompareTo((byte)FeatureId.KindOf(b.Feature));
            c = c != 0 ? c : b.Weight.CompareTo(a.Weight);
            c = c != 0 ? c : string.CompareOrdinal(a.Key, b.Key);
            return c != 0 ? c : a.Order.CompareTo(b.Order);
        });

        return new InterestsView(
            Top(positive, ranked, FeatureKind.Category, k),
            Top(positive, ranked, FeatureKind.Brand, k),
            Top(positive, ranked, FeatureKind.Tag, k),
            Top(positive, ranked, FeatureKind.PriceBand, Math.Min(k, 5)));
    }

    /// <summary>The first <paramref name="take"/> of a kind's run in <paramref name="ranked"/>, each scored against its (kind, depth) total.</summary>
    private static InterestScore[] Top(ReadOnlySpan<Candidate> positive, Candidate[] ranked, FeatureKind kind, int take)
    {
        var first = 0;
        while (first < ranked.Length && FeatureId.KindOf(ranked[first].Feature) < kind)
        {
            first++;
        }

        var end = first;
        while (end < ranked.Length && FeatureId.KindOf(ranked[end].Feature) == kind)
        {
            end++;
        }

        var top = new InterestScore[Math.Min(take, end - first)];
        Span<double> totals = top.Length <= 64 ? stackalloc double[top.Length] : new double[top.Length];
        for (var j = 0; j < top.Length; j++)
        {
            var c = ranked[first + j];
            var same = 0;
            while (same < j && ranked[first + same].Depth != c.Depth)
            {
                same++;
            }

            totals[j] = same < j ? totals[same] : Total(positive, kind, c.Depth);
            top[j] = new InterestScore(c.Key, Math.Round(c.Weight, 6), Math.Round(c.Weight / totals[j], 6));
        }

        return top;
    }

    /// <summary>The recent item sequence, newest first, as the view lists it.</summary>
    public IReadOnlyList<RecentItemView> RecentItems(ProfileState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return RecentNewestFirst(state);
    }

    private RecentItemView[] RecentNewestFirst(ProfileState state)
    {
        var recent = new RecentItemView[state.Recent.Count];
        for (var i = 0; i < recent.Length; i++)
        {
            var r = state.Recent[recent.Length - 1 - i];
            recent[i] = new RecentItemView(r.ItemId, _engine.Types.NameOf(r.Type), DateTimeOffset.FromUnixTimeMilliseconds(r.TimeMs));
        }

        return recent;
    }

    /// <summary>Sum of the weights of a kind at a depth, in the state's order (as the view has always summed them).</summary>
    private static double Total(ReadOnlySpan<Candidate> positive, FeatureKind kind, int depth)
    {
        var total = 0.0;
        foreach (var c in positive)
        {
            if (FeatureId.KindOf(c.Feature) == kind && c.Depth == depth)
            {
                total += c.Weight;
            }
        }

        return total;
    }

    private static int Depth(string key) => key.StartsWith("category:", StringComparison.Ordinal) ? key.AsSpan().Count('/') : 0;

    /// <summary>new / active / at-risk / dormant at <paramref name="nowMs"/>.</summary>
    public string Lifecycle(ProfileState state, long nowMs)
    {
        var c = _engine.Config;
        var idle = nowMs - state.LastSeenMs;
        if (idle > c.AtRiskSpan.TotalMilliseconds)
        {
            return "dormant";
        }

        if (idle > c.ActiveSpan.TotalMilliseconds)
        {
            return "at-risk";
        }

        return nowMs - state.FirstSeenMs <= c.NewUserSpan.TotalMilliseconds ? "new" : "active";
    }

    public ProfileView Read(ProfileState state, ICatalogView catalog, long nowMs, int k = 10, IReadOnlyList<ExplainedInterest>? explain = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        var counters = new SortedList<string, CounterView>(state.TypeCount, StringComparer.Ordinal);
        for (var i = 0; i < state.TypeCount; i++)
        {
            var t = state.TypeSlots[i];
            counters[_engine.Types.NameOf(t.Type)] = new CounterView(
                t.Count,
                state.WindowSum(i, TypeSlot.Fine, nowMs, 12),
                state.WindowSum(i, TypeSlot.Hourly, nowMs, 24),
                state.WindowSum(i, TypeSlot.Daily, nowMs, 7),
                state.WindowSum(i, TypeSlot.Daily, nowMs, 30),
                DateTimeOffset.FromUnixTimeMilliseconds(t.LastMs));
        }

        var purchases = state.FindType((byte)EventType.Purchase);
        var views = state.FindType((byte)EventType.View);
        var orders = purchases < 0 ? 0 : state.TypeSlots[purchases].Count;
        var rfm = new RfmView(
            purchases < 0 ? null : Math.Round((nowMs - state.TypeSlots[purchases].LastMs) / 86_400_000.0, 4),
            orders,
            purchases < 0 ? 0 : state.WindowSum(purchases, TypeSlot.Daily, nowMs, 30),
            Math.Round(state.Monetary, 4),
            orders > 0 ? Math.Round(state.Monetary / orders, 4) : null,
            state.Units);

        var f = Finished(state, nowMs);
        var allEvents = state.ClosedSessionEvents + (state.CurrentSessionId is null ? 0 : state.CurrentSessionEvents);
        var sessions = new SessionsView(
            state.SessionCount,
            state.SessionCount > 0 ? Math.Round(allEvents / (double)state.SessionCount, 4) : 0,
            f.Sessions > 0 ? Math.Round(f.DurationMs / 1000.0 / f.Sessions, 3) : 0,
            f.Sessions > 0 ? Math.Round(f.Bounces / (double)f.Sessions, 4) : 0,
            f.OpenClosed ? null : state.CurrentSessionId);

        var viewCount = views < 0 ? 0 : state.TypeSlots[views].Count;
        return new ProfileView
        {
            UserId = state.UserId,
            AsOf = DateTimeOffset.FromUnixTimeMilliseconds(nowMs),
            EventCount = state.EventCount,
            FirstSeen = DateTimeOffset.FromUnixTimeMilliseconds(state.FirstSeenMs),
            LastSeen = DateTimeOffset.FromUnixTimeMilliseconds(state.LastSeenMs),
            Lifecycle = Lifecycle(state, nowMs),
            Interests = TopInterests(state, catalog, nowMs, k),
            Counters = counters,
            Rfm = rfm,
            PriceLevel = state.PriceLogRatioCount > 0 ? Math.Round(Math.Exp(state.PriceLogRatioSum / state.PriceLogRatioCount), 4) : null,
            ConversionRate = viewCount > 0 ? Math.Round(orders / (double)viewCount, 4) : null,
            CartAbandonmentRate = f.CartSessions > 0 ? Math.Round(f.Abandoned / (double)f.CartSessions, 4) : null,
            Sessions = sessions,
            HourOfDay = ((ReadOnlySpan<int>)state.HourOfDay).ToArray(),
            DayOfWeek = ((ReadOnlySpan<int>)state.DayOfWeek).ToArray(),
            Devices = state.Labels.ToDictionary(CountedLabels.Device),
            Channels = state.Labels.ToDictionary(CountedLabels.Channel),
            Domains = state.Labels.ToDictionary(CountedLabels.Domain),
            Platforms = state.Labels.ToDictionary(CountedLabels.Platform),
            RatingMean = state.RatingCount > 0 ? Math.Round(state.RatingSum / state.RatingCount, 4) : null,
            RatingCount = state.RatingCount,
            Satisfaction = Satisfaction(state, nowMs),
            RecommendationClicks = state.RecoClicks,
            RecommendationPurchases = state.RecoPurchases,
            RecentItems = RecentNewestFirst(state),
            Explain = explain,
        };
    }

    /// <summary>The state's satisfaction as of <paramref name="nowMs"/>; null before its first signal.</summary>
    internal SatisfactionView? Satisfaction(ProfileState state, long nowMs)
    {
        if (state.SatisfactionSignals == 0 || state.SatisfactionWeight <= 0)
        {
            return null;
        }

        var score = Math.Clamp(state.SatisfactionSum / state.SatisfactionWeight, -1, 1);
        var age = Math.Max(0, nowMs - state.SatisfactionRefMs);
        var evidence = state.SatisfactionWeight * Math.Pow(2, -age / _engine.Config.SatisfactionHalfLife.TotalMilliseconds);
        return new SatisfactionView(Math.Round(score, 4), Math.Round(evidence, 4), state.SatisfactionSignals, SatisfactionView.LevelOf(score));
    }

    /// <summary>
    /// The finished sessions of a state at <paramref name="nowMs"/>: the closed ones, and the open one once it
    /// has been idle for longer than the session gap.
    /// </summary>
    internal FinishedSessions Finished(ProfileState state, long nowMs)
    {
        var gap = (long)_engine.Config.SessionGap.TotalMilliseconds;
        var openClosed = state.CurrentSessionId is not null && nowMs - state.CurrentSessionLastMs > gap;
        var cart = openClosed && state.CurrentSessionCart;
        return new FinishedSessions(
            state.ClosedSessions + (openClosed ? 1 : 0),
            state.ClosedSessionEvents + (openClosed ? state.CurrentSessionEvents : 0),
            state.ClosedSessionDurationMs + (openClosed ? state.CurrentSessionLastMs - state.CurrentSessionStartMs : 0),
            state.Bounces + (openClosed && state.CurrentSessionEvents == 1 ? 1 : 0),
            state.CartSessions + (cart ? 1 : 0),
            state.AbandonedCartSessions + (cart && !state.CurrentSessionPurchase ? 1 : 0),
            openClosed);
    }

    /// <summary>
    /// For each top interest, the events (from the user's retained history) that contribute most to its
    /// weight now. Contributions are computed by the engine's own weights and decay, so they add up to
    /// the interest weight when the whole history is retained.
    /// </summary>
    public IReadOnlyList<ExplainedInterest> Explain(ProfileState state, IEnumerable<BehaviorEvent> history, ICatalogView catalog, long nowMs, int k = 5, int perInterest = 5)
    {
        ArgumentNullException.ThrowIfNull(history);
        var top = TopInterests(state, catalog, nowMs, k);
        var wanted = top.Categories.Concat(top.Brands).Concat(top.Tags).Concat(top.PriceBands)
            .Select(i => (i.Feature, i.Weight, Id: FeatureId.TryParseKey(i.Feature, out var kind, out var name) ? FeatureId.Of(kind, name) : 0UL))
            .ToList();
        var contributions = wanted.ToDictionary(w => w.Id, _ => new List<Contribution>());
        foreach (var e in history)
        {
            var weight = _engine.InterestWeight(e);
            if (weight == 0)
            {
                continue;
            }

            foreach (var f in ProfileEngine.EventFeatures(e, catalog))
            {
                if (contributions.TryGetValue(f, out var list))
                {
                    var w = weight * _engine.Decay(FeatureId.KindOf(f), nowMs - (double)e.TimestampMs);
                    list.Add(new Contribution(e.EventId, _engine.Types.NameOf(e.Type), e.ItemId, DateTimeOffset.FromUnixTimeMilliseconds(e.TimestampMs), Math.Round(w, 6)));
                }
            }
        }

        return [.. wanted.Select(w => new ExplainedInterest(
            w.Feature,
            w.Weight,
            [.. contributions[w.Id].OrderByDescending(c => Math.Abs(c.Weight)).ThenBy(c => c.EventId, StringComparer.Ordinal).Take(perInterest)]))];
    }

    /// <summary>Totals over finished sessions; <see cref="OpenClosed"/>: the open session is idle past the gap and counted.</summary>
    internal readonly record struct FinishedSessions(long Sessions, long Events, long DurationMs, long Bounces, long CartSessions, long Abandoned, bool OpenClosed);

    /// <summary>A positive interest being ranked: <see cref="Order"/> is its place among them in the state's order.</summary>
    private readonly record struct Candidate(ulong Feature, double Weight, string Key, int Depth, int Order);
}
