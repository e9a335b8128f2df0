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
    public InterestsView TopInterests(ProfileState state, ICatalogView catalog, long nowMs, int k = 10)
    {
        var all = _engine.Interests(state, nowMs)
            .Where(i => i.Weight > 0)
            .Select(i => (i.Feature, i.Weight, Key: catalog.FeatureName(i.Feature) ?? $"{FeatureId.KindOf(i.Feature).ToString().ToLowerInvariant()}:#{i.Feature:x}"))
            .ToList();
        IReadOnlyList<InterestScore> Top(FeatureKind kind, int take)
        {
            var ofKind = all.Where(i => FeatureId.KindOf(i.Feature) == kind).ToList();
            var totals = ofKind.GroupBy(i => Depth(i.Key)).ToDictionary(g => g.Key, g => g.Sum(i => i.Weight));
            return [.. ofKind
                .OrderByDescending(i => i.Weight).ThenBy(i => i.Key, StringComparer.Ordinal)
                .Take(take)
                .Select(i => new InterestScore(i.Key, Math.Round(i.Weight, 6), Math.Round(i.Weight / totals[Depth(i.Key)], 6)))];
        }

        return new InterestsView(Top(FeatureKind.Category, k), Top(FeatureKind.Brand, k), Top(FeatureKind.Tag, k), Top(FeatureKind.PriceBand, Math.Min(k, 5)));
    }

    private static int Depth(string key) => key.StartsWith("category:", StringComparison.Ordinal) ? key.Count(c => c == '/') : 0;

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
        var counters = new SortedDictionary<string, CounterView>(StringComparer.Ordinal);
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

        // The open session counts as finished once it has been idle for longer than the gap.
        var gap = (long)_engine.Config.SessionGap.TotalMilliseconds;
        var openClosed = state.CurrentSessionId is not null && nowMs - state.CurrentSessionLastMs > gap;
        var finished = state.ClosedSessions + (openClosed ? 1 : 0);
        var finishedEvents = state.ClosedSessionEvents + (openClosed ? state.CurrentSessionEvents : 0);
        var finishedDuration = state.ClosedSessionDurationMs + (openClosed ? state.CurrentSessionLastMs - state.CurrentSessionStartMs : 0);
        var bounces = state.Bounces + (openClosed && state.CurrentSessionEvents == 1 ? 1 : 0);
        var cartSessions = state.CartSessions + (openClosed && state.CurrentSessionCart ? 1 : 0);
        var abandoned = state.AbandonedCartSessions + (openClosed && state.CurrentSessionCart && !state.CurrentSessionPurchase ? 1 : 0);
        var allEvents = state.ClosedSessionEvents + (state.CurrentSessionId is null ? 0 : state.CurrentSessionEvents);
        var sessions = new SessionsView(
            state.SessionCount,
            state.SessionCount > 0 ? Math.Round(allEvents / (double)state.SessionCount, 4) : 0,
            finished > 0 ? Math.Round(finishedDuration / 1000.0 / finished, 3) : 0,
            finished > 0 ? Math.Round(bounces / (double)finished, 4) : 0,
            openClosed ? null : state.CurrentSessionId);

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
            CartAbandonmentRate = cartSessions > 0 ? Math.Round(abandoned / (double)cartSessions, 4) : null,
            Sessions = sessions,
            HourOfDay = ((ReadOnlySpan<int>)state.HourOfDay).ToArray(),
            DayOfWeek = ((ReadOnlySpan<int>)state.DayOfWeek).ToArray(),
            Devices = state.Labels.Items(CountedLabels.Device).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            Channels = state.Labels.Items(CountedLabels.Channel).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            RatingMean = state.RatingCount > 0 ? Math.Round(state.RatingSum / state.RatingCount, 4) : null,
            RatingCount = state.RatingCount,
            RecommendationClicks = state.RecoClicks,
            RecommendationPurchases = state.RecoPurchases,
            RecentItems = [.. Enumerable.Reverse(state.Recent).Select(r => new RecentItemView(r.ItemId, _engine.Types.NameOf(r.Type), DateTimeOffset.FromUnixTimeMilliseconds(r.TimeMs)))],
            Explain = explain,
        };
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
}
