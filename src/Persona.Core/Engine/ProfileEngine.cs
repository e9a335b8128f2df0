using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Persona.Core.Catalog;
using Persona.Core.Events;

namespace Persona.Core.Engine;

/// <summary>
/// The profile engine: <c>Apply(state, event, catalog)</c> is a pure function of its inputs (it mutates
/// only the state), with cost independent of the user's history. The same engine runs in
/// the server, in offline replay and in evaluation.
/// </summary>
public sealed class ProfileEngine
{
    /// <summary>
    /// The version of what <c>Apply</c> (and <c>ApplyBatch</c>) computes. Raise it with any change that gives another profile for
    /// the same state, event, catalog and configuration: a store records it (its profiles and checkpoints were
    /// computed under it) and refuses to mix its profiles with events applied under another.
    /// </summary>
    public const int BehaviourVersion = 3;

    /// <summary>
    /// Behaviour versions that only add state (2: satisfaction; 3: domain and platform counts) and leave everything the previous version computed as
    /// it was. A store of the previous behaviour opens under such a one: its profiles gain the new state from the events
    /// applied from then on, which is what a store started at the upgrade would hold, and nothing they held changes.
    /// </summary>
    public static IReadOnlySet<int> AdditiveBehaviours { get; } = new HashSet<int> { 2, 3 };

    /// <summary>Whether profiles computed under behaviour <paramref name="stored"/> may take events under this build's behaviour.</summary>
    public static bool CanContinue(int stored) =>
        stored == BehaviourVersion || (stored is >= 1 and < BehaviourVersion && Enumerable.Range(stored + 1, BehaviourVersion - stored).All(AdditiveBehaviours.Contains));

    private const double RescaleExponent = 256;
    private readonly double[] _typeWeights = new double[256];
    private readonly double[] _halfLifeMs = new double[16];
    private readonly double _minHalfLifeMs;
    private readonly double[] _satisfactionSignals = new double[256];
    private readonly bool[] _isSatisfactionSignal = new bool[256];

    public ProfileEngine(EngineConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        Types = config.BuildEventTypes();
        foreach (var (name, weight) in config.TypeWeights)
        {
            if (Types.TryGetCode(name, out var code))
            {
                _typeWeights[code] = weight;
            }
        }

        foreach (var (name, value) in config.SatisfactionSignals)
        {
            if (Types.TryGetCode(name, out var code))
            {
                (_satisfactionSignals[code], _isSatisfactionSignal[code]) = (value, true);
            }
        }

        _halfLifeMs[(int)FeatureKind.Category] = config.CategoryHalfLife.TotalMilliseconds;
        _halfLifeMs[(int)FeatureKind.Brand] = config.BrandHalfLife.TotalMilliseconds;
        _halfLifeMs[(int)FeatureKind.Tag] = config.TagHalfLife.TotalMilliseconds;
        _halfLifeMs[(int)FeatureKind.PriceBand] = config.PriceBandHalfLife.TotalMilliseconds;
        _minHalfLifeMs = new[] { config.CategoryHalfLife, config.BrandHalfLife, config.TagHalfLife, config.PriceBandHalfLife }.Min().TotalMilliseconds;
    }

    public EngineConfig Config { get; }

    public EventTypes Types { get; }

    /// <summary>The interest weight an event of this type gives each feature of its item.</summary>
    public double InterestWeight(BehaviorEvent e) => e.Type == (byte)EventType.Rate
        ? e.Rating is { } r ? (r - Config.RatingCentre) * Config.RatingWeight : 0
        : _typeWeights[e.Type];

    /// <summary>The features an event adds interest to: its item's features, or a preference's declared ones.</summary>
    public static IEnumerable<ulong> EventFeatures(BehaviorEvent e, ICatalogView catalog)
    {
        if (e.Type == (byte)EventType.Preference)
        {
            return PreferenceFeatures(e).Select(p => FeatureId.Of(p.Kind, p.Name));
        }

        return e.ItemId is not null && catalog.Find(e.ItemId) is { } item ? item.Features : [];
    }

    /// <summary>Declared features of a preference event: context values "category", "brand", "tag".</summary>
    public static IEnumerable<(FeatureKind Kind, string Name)> PreferenceFeatures(BehaviorEvent e)
    {
        if (e.Context?.Values is not { } values)
        {
            yield break;
        }

        if (values.TryGetValue("category", out var c) && c.Length > 0)
        {
            yield return (FeatureKind.Category, c);
        }

        if (values.TryGetValue("brand", out var b) && b.Length > 0)
        {
            yield return (FeatureKind.Brand, b);
        }

        if (values.TryGetValue("tag", out var t) && t.Length > 0)
        {
            yield return (FeatureKind.Tag, t);
        }
    }

    /// <summary>The decay factor 2^(-age / halfLife) of a feature kind.</summary>
    public double Decay(FeatureKind kind, double ageMs) => Math.Pow(2, -ageMs / _halfLifeMs[(int)kind]);

    /// <summary>Applies one event to a user's state.</summary>
    public void Apply(ProfileState state, BehaviorEvent e, ICatalogView catalog)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(catalog);
        Apply(state, e, e.ItemId is null ? null : catalog.Find(e.ItemId));
    }

    /// <summary>
    /// Applies <paramref name="events"/>[i] to <paramref name="states"/>[i] for every i, in order: the same
    /// result as calling <see cref="Apply(ProfileState, BehaviorEvent, ICatalogView)"/> for each pair in turn
    /// (a state may appear more than once). Faster over many users' events, because the catalog lookups of a
    /// window of events are made together before the window is applied: they are independent, so the
    /// processor overlaps their cache misses instead of waiting for each in turn.
    /// </summary>
    public void ApplyBatch(ReadOnlySpan<ProfileState> states, ReadOnlySpan<BehaviorEvent> events, ICatalogView catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (states.Length != events.Length)
        {
            throw new ArgumentException($"{states.Length} states for {events.Length} events: one state per event is required.", nameof(states));
        }

        var items = default(ItemWindow);
        for (var start = 0; start < events.Length; start += ItemWindow.Length)
        {
            var n = Math.Min(ItemWindow.Length, events.Length - start);
            for (var j = 0; j < n; j++)
            {
                var e = events[start + j];
                ArgumentNullException.ThrowIfNull(e, nameof(events));
                ArgumentNullException.ThrowIfNull(states[start + j], nameof(states));
                items[j] = e.ItemId is null ? null : catalog.Find(e.ItemId);
            }

            for (var j = 0; j < n; j++)
            {
                Apply(states[start + j], events[start + j], items[j]);
            }
        }
    }

    private void Apply(ProfileState state, BehaviorEvent e, ItemFeatures? item)
    {
        var t = e.TimestampMs;
        state.EventCount++;
        if (t < state.FirstSeenMs)
        {
            state.FirstSeenMs = t;
        }

        if (t > state.LastSeenMs)
        {
            state.LastSeenMs = t;
        }

        var slot = state.GetOrAddType(e.Type);
        ref var stats = ref state.TypeSlots[slot];
        stats.Count++;
        if (t > stats.LastMs)
        {
            stats.LastMs = t;
        }

        state.AddToWindow(slot, TypeSlot.Fine, t);
        state.AddToWindow(slot, TypeSlot.Hourly, t);
        state.AddToWindow(slot, TypeSlot.Daily, t);

        // UTC hour of day and day of week (1970-01-01 was a Thursday, day 4 with Sunday = 0).
        var days = Math.DivRem(t, 86_400_000L, out var msOfDay);
        if (msOfDay < 0)
        {
            days--;
            msOfDay += 86_400_000L;
        }

        state.HourOfDay[(int)(msOfDay / 3_600_000L)]++;
        state.DayOfWeek[(int)(((days % 7) + 11) % 7)]++;
        if (e.Context is { } ctx)
        {
            if (ctx.Device is { Length: > 0 } device)
            {
                state.Labels.Add(CountedLabels.Device, device);
            }

            if (ctx.Channel is { Length: > 0 } channel)
            {
                state.Labels.Add(CountedLabels.Channel, channel);
            }
        }

        if (e.Domain is { Length: > 0 } domain)
        {
            state.Labels.Add(CountedLabels.Domain, domain);
        }

        if (e.Platform is { Length: > 0 } platform)
        {
            state.Labels.Add(CountedLabels.Platform, platform);
        }

        ApplyInterests(state, e, item);
        ApplyMoney(state, e, item);
        ApplySatisfaction(state, e);
        ApplySession(state, e);
        if (e.ItemId is not null && Config.RecentItems > 0 && e.Type != (byte)EventType.Impression)
        {
            // The catalog's instance of the item id, so that profiles share one string per item.
            AddRecent(state, new RecentItem(item?.ItemId ?? e.ItemId, e.Type, t, Tiebreak(e.EventId)));
        }
    }

    /// <summary>The deterministic tiebreak of an event id (XxHash64 of its UTF-16 code units, little-endian).</summary>
    public static ulong Tiebreak(string eventId) => XxHash64.HashToUInt64(MemoryMarshal.AsBytes(eventId.AsSpan()));

    /// <summary>Interest values of a state at <paramref name="nowMs"/>, unsorted, negatives clamped to zero.</summary>
    public IEnumerable<(ulong Feature, double Weight)> Interests(ProfileState state, long nowMs)
    {
        var weights = new double[state.InterestCount];
        InterestsNow(state, nowMs, weights);
        for (var i = 0; i < weights.Length; i++)
        {
            yield return (state.Interests[i].Key, weights[i]);
        }
    }

    /// <summary>
    /// Interest values of a state at <paramref name="nowMs"/> into <paramref name="weights"/>, in the state's
    /// order, negatives clamped to zero. The decay factor depends only on the kind, so it is computed once per kind.
    /// </summary>
    internal void InterestsNow(ProfileState state, long nowMs, Span<double> weights)
    {
        Span<double> decay = stackalloc double[16];
        decay.Fill(double.NaN);
        var age = nowMs - (double)state.InterestRefMs;
        for (var i = 0; i < state.InterestCount; i++)
        {
            var entry = state.Interests[i];
            var kind = FeatureId.KindOf(entry.Key);
            ref var d = ref decay[(int)kind];
            if (double.IsNaN(d))
            {
                d = Decay(kind, age);
            }

            weights[i] = Math.Max(0, entry.Value * d);
        }
    }

    private void ApplyInterests(ProfileState state, BehaviorEvent e, ItemFeatures? item)
    {
        var weight = InterestWeight(e);
        if (weight == 0)
        {
            return;
        }

        var t = e.TimestampMs;
        if (state.InterestRefMs == long.MinValue)
        {
            state.InterestRefMs = t;
        }
        else if ((t - (double)state.InterestRefMs) / _minHalfLifeMs > RescaleExponent)
        {
            Rescale(state, t);
        }

        if (e.Type == (byte)EventType.Preference)
        {
            foreach (var (kind, name) in PreferenceFeatures(e))
            {
                AddInterest(state, FeatureId.Of(kind, name), weight, t);
            }

            return;
        }

        if (item is null)
        {
            return;
        }

        Span<double> scale = stackalloc double[5];
        foreach (var f in item.Features)
        {
            var kind = (int)FeatureId.KindOf(f);
            if (scale[kind] == 0)
            {
                scale[kind] = Math.Pow(2, (t - (double)state.InterestRefMs) / _halfLifeMs[kind]);
            }

            AddInterest(state, f, weight, weight * scale[kind], t);
        }
    }

    private void AddInterest(ProfileState state, ulong feature, double weight, long t) =>
        AddInterest(state, feature, weight, weight * Math.Pow(2, (t - (double)state.InterestRefMs) / _halfLifeMs[(int)FeatureId.KindOf(feature)]), t);

    private void AddInterest(ProfileState state, ulong feature, double weight, double scaled, long t)
    {
        var entries = state.Interests;
        var n = state.InterestCount;
        for (var i = 0; i < n; i++)
        {
            if (entries[i].Key == feature)
            {
                entries[i].Value += scaled;
                return;
            }
        }

        if (n < Config.MaxInterests)
        {
            if (n == entries.Length)
            {
                Array.Resize(ref state.Interests, Math.Min(Config.MaxInterests, Math.Max(8, n * 2)));
                entries = state.Interests;
            }

            entries[n] = new InterestEntry { Key = feature, Value = scaled };
            state.InterestCount = n + 1;
            return;
        }

        // Full: evict the weakest feature (at time t) if the newcomer outweighs it. All entries share the
        // reference time, so one decay factor per kind converts stored values to values at t.
        Span<double> factor = stackalloc double[5];
        for (var kind = 1; kind < factor.Length; kind++)
        {
            factor[kind] = Math.Pow(2, -(t - (double)state.InterestRefMs) / _halfLifeMs[kind]);
        }

        var weakest = -1;
        var weakestValue = double.MaxValue;
        for (var i = 0; i < n; i++)
        {
            var v = entries[i].Value * factor[(int)FeatureId.KindOf(entries[i].Key)];
            if (v < weakestValue)
            {
                weakestValue = v;
                weakest = i;
            }
        }

        if (weight > weakestValue)
        {
            entries[weakest] = new InterestEntry { Key = feature, Value = scaled };
        }
    }

    private void Rescale(ProfileState state, long newRefMs)
    {
        var shift = newRefMs - (double)state.InterestRefMs;
        for (var i = 0; i < state.InterestCount; i++)
        {
            ref var entry = ref state.Interests[i];
            entry.Value *= Decay(FeatureId.KindOf(entry.Key), shift);
        }

        state.InterestRefMs = newRefMs;
    }

    private static void ApplyMoney(ProfileState state, BehaviorEvent e, ItemFeatures? item)
    {
        var price = e.Price ?? item?.Price;
        switch ((EventType)e.Type)
        {
            case EventType.Purchase:
                var quantity = e.Quantity ?? 1;
                state.Units += quantity;
                if (price is { } p)
                {
                    state.Monetary += p * quantity;
                }

                if (e.RecommendationId is not null)
                {
                    state.RecoPurchases++;
                }

                break;
            case EventType.Click:
                if (e.RecommendationId is not null)
                {
                    state.RecoClicks++;
                }

                break;
            case EventType.Rate:
                if (e.Rating is { } r)
                {
                    state.RatingSum += r;
                    state.RatingCount++;
                }

                break;
        }

        if (e.Type is (byte)EventType.View or (byte)EventType.Click or (byte)EventType.CartAdd or (byte)EventType.Purchase
            && price is > 0 && item?.Category?.MedianPrice is > 0 and var median)
        {
            state.PriceLogRatioSum += Math.Log(price.Value / median);
            state.PriceLogRatioCount++;
        }
    }

    /// <summary>
    /// Satisfaction signals of an event: its rating ((stars - 3) / 2, on rate and review events), its review
    /// sentiment (2p - 1), and the configured value of its type (returns, complaints). Each has weight 1,
    /// decayed by its age with <see cref="EngineConfig.SatisfactionHalfLife"/>; the sums are kept as of the
    /// newest signal's time, so late signals land where they belong and arrival order does not matter.
    /// </summary>
    private void ApplySatisfaction(ProfileState state, BehaviorEvent e)
    {
        if (e.Rating is { } r && e.Type is (byte)EventType.Rate or (byte)EventType.Review)
        {
            AddSatisfaction(state, e.TimestampMs, Math.Clamp((r - 3) / 2.0, -1, 1));
        }

        if (e.Sentiment is { } p)
        {
            AddSatisfaction(state, e.TimestampMs, Math.Clamp((2 * p) - 1, -1, 1));
        }

        if (_isSatisfactionSignal[e.Type])
        {
            AddSatisfaction(state, e.TimestampMs, _satisfactionSignals[e.Type]);
        }
    }

    private void AddSatisfaction(ProfileState state, long t, double value)
    {
        var halfLife = Config.SatisfactionHalfLife.TotalMilliseconds;
        if (state.SatisfactionSignals == 0)
        {
            state.SatisfactionRefMs = t;
        }
        else if (t > state.SatisfactionRefMs)
        {
            var shift = Math.Pow(2, -(t - state.SatisfactionRefMs) / halfLife);
            state.SatisfactionSum *= shift;
            state.SatisfactionWeight *= shift;
            state.SatisfactionRefMs = t;
        }

        var weight = Math.Pow(2, -(state.SatisfactionRefMs - t) / halfLife);
        state.SatisfactionSum += value * weight;
        state.SatisfactionWeight += weight;
        state.SatisfactionSignals++;
    }

    private void ApplySession(ProfileState state, BehaviorEvent e)
    {
        var t = e.TimestampMs;
        var gap = (long)Config.SessionGap.TotalMilliseconds;
        if (state.CurrentSessionId is null)
        {
            StartSession(state, e);
            return;
        }

        var explicitMatch = e.SessionId is not null && e.SessionId == state.CurrentSessionId;
        var explicitMismatch = e.SessionId is not null && !explicitMatch && !IsDerived(state);
        var withinGap = t >= state.CurrentSessionStartMs - gap && t <= state.CurrentSessionLastMs + gap;
        var continues = explicitMatch || (!explicitMismatch && withinGap);
        if (continues)
        {
            state.CurrentSessionEvents++;
            state.CurrentSessionStartMs = Math.Min(state.CurrentSessionStartMs, t);
            state.CurrentSessionLastMs = Math.Max(state.CurrentSessionLastMs, t);
            MarkSession(state, e);
            return;
        }

        if (t < state.CurrentSessionStartMs)
        {
            return; // a late event from an earlier session: session statistics are kept in arrival order
        }

        CloseSession(state);
        StartSession(state, e);
    }

    private static bool IsDerived(ProfileState state) =>
        state.CurrentSessionId is { } id && id.Length > state.UserId.Length && id[state.UserId.Length] == '#'
        && id.StartsWith(state.UserId, StringComparison.Ordinal);

    private static void StartSession(ProfileState state, BehaviorEvent e)
    {
        state.SessionCount++;
        state.CurrentSessionId = e.SessionId ?? DerivedSessionId(state.UserId, e.TimestampMs);
        state.CurrentSessionStartMs = e.TimestampMs;
        state.CurrentSessionLastMs = e.TimestampMs;
        state.CurrentSessionEvents = 1;
        state.CurrentSessionCart = false;
        state.CurrentSessionPurchase = false;
        MarkSession(state, e);
    }

    /// <summary>The session id given to events that carry none: the user id and the session's start time.</summary>
    public static string DerivedSessionId(string userId, long startMs) => userId + "#" + startMs.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void MarkSession(ProfileState state, BehaviorEvent e)
    {
        if (e.Type == (byte)EventType.CartAdd)
        {
            state.CurrentSessionCart = true;
        }
        else if (e.Type == (byte)EventType.Purchase)
        {
            state.CurrentSessionPurchase = true;
        }
    }

    /// <summary>Folds the current session into the closed-session aggregates.</summary>
    internal static void CloseSession(ProfileState state)
    {
        state.ClosedSessions++;
        state.ClosedSessionEvents += state.CurrentSessionEvents;
        state.ClosedSessionDurationMs += state.CurrentSessionLastMs - state.CurrentSessionStartMs;
        if (state.CurrentSessionEvents == 1)
        {
            state.Bounces++;
        }

        if (state.CurrentSessionCart)
        {
            state.CartSessions++;
            if (!state.CurrentSessionPurchase)
            {
                state.AbandonedCartSessions++;
            }
        }

        state.CurrentSessionId = null;
    }

    private void AddRecent(ProfileState state, RecentItem entry) => state.Recent.Insert(entry, Config.RecentItems);

    /// <summary>The resolved items of one window of <see cref="ApplyBatch"/>, on the stack.</summary>
    [InlineArray(Length)]
    private struct ItemWindow
    {
        public const int Length = 64;
        private ItemFeatures? _element;
    }
}
