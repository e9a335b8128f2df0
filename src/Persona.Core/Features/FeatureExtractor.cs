using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;

namespace Persona.Core.Features;

/// <summary>
/// The profile as a model input: <c>(profile state, catalog, now) → float[]</c>, with a named schema
/// (<see cref="Schema"/>) and its hash. Training rows (<see cref="PointInTimeReplay"/>) and serving both call
/// <see cref="Extract(ProfileState, ICatalogView, long, Span{float})"/>, so a model sees the same numbers offline
/// and online. Every input is bounded and defined for a new profile: counts and amounts as log1p, times in days
/// as log1p, rates and shares in [0, 1]. A pure read: the state is not changed.
/// </summary>
/// <remarks>
/// Version 1 inputs, in order: activity (events, tenure, idle); per built-in event type its total, its 1 h,
/// 24 h, 7 d and 30 d windows, and the days since its last event; money (monetary, mean order value, units,
/// price level); funnel (conversion, cart abandonment); sessions (count, mean events, mean seconds, bounce
/// rate, one open now); ratings (mean stars around the engine's centre, count); recommendation clicks and
/// purchases; the share of events per UTC hour and weekday; the lifecycle stage one-hot; then per interest
/// label its share of the decayed category interest, the interest mass, and the recent item sequence's
/// label shares and its newest item's label. docs/MODELS.md lists the names.
/// </remarks>
public sealed class FeatureExtractor
{
    /// <summary>Bumped whenever an input's meaning or the order changes (the hash changes with it).</summary>
    public const int Version = 1;

    private const double MsPerDay = 86_400_000.0;

    /// <summary>Days since an event type's last event when it has none, and the cap on every span in days.</summary>
    private const double MaxDays = 3650;

    private static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    private static readonly string[] Stages = ["new", "active", "at-risk", "dormant"];

    private readonly ProfileEngine _engine;
    private readonly ProfileReader _reader;
    private readonly byte[] _types;

    public FeatureExtractor(ProfileEngine engine, InterestLabels labels)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(labels);
        _engine = engine;
        _reader = new ProfileReader(engine);
        Labels = labels;
        _types = [.. Enumerable.Range(0, (int)EventType.FirstCustom).Select(t => (byte)t)];
        Schema = new FeatureSchema(Version, BuildNames());
    }

    public FeatureSchema Schema { get; }

    public InterestLabels Labels { get; }

    public int Width => Schema.Width;

    /// <summary>The features of <paramref name="state"/> as of <paramref name="nowMs"/>, as a new array.</summary>
    public float[] Extract(ProfileState state, ICatalogView catalog, long nowMs)
    {
        var x = new float[Width];
        Extract(state, catalog, nowMs, x);
        return x;
    }

    /// <summary>Writes the features of <paramref name="state"/> as of <paramref name="nowMs"/> into <paramref name="into"/> (exactly <see cref="Width"/> long).</summary>
    public void Extract(ProfileState state, ICatalogView catalog, long nowMs, Span<float> into)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(catalog);
        if (into.Length != Width)
        {
            throw new ArgumentException($"features: the span holds {into.Length} values, the schema {Width}", nameof(into));
        }

        into.Clear();
        if (state.EventCount == 0)
        {
            return;
        }

        var w = new Writer(into);
        w.Log(state.EventCount);
        w.Log(Days(nowMs - state.FirstSeenMs));
        w.Log(Days(nowMs - state.LastSeenMs));

        foreach (var type in _types)
        {
            var slot = state.FindType(type);
            if (slot < 0)
            {
                w.Skip(5);
                w.Log(MaxDays);
                continue;
            }

            w.Log(state.TypeSlots[slot].Count);
            w.Log(state.WindowSum(slot, TypeSlot.Fine, nowMs, 12));
            w.Log(state.WindowSum(slot, TypeSlot.Hourly, nowMs, 24));
            w.Log(state.WindowSum(slot, TypeSlot.Daily, nowMs, 7));
            w.Log(state.WindowSum(slot, TypeSlot.Daily, nowMs, 30));
            w.Log(Days(nowMs - state.TypeSlots[slot].LastMs));
        }

        var purchases = state.FindType((byte)EventType.Purchase);
        var views = state.FindType((byte)EventType.View);
        var orders = purchases < 0 ? 0 : state.TypeSlots[purchases].Count;
        var viewCount = views < 0 ? 0 : state.TypeSlots[views].Count;
        w.Log(Math.Max(0, state.Monetary));
        w.Log(orders > 0 ? Math.Max(0, state.Monetary / orders) : 0);
        w.Log(Math.Max(0, state.Units));
        w.Put(state.PriceLogRatioCount > 0 ? Math.Clamp(state.PriceLogRatioSum / state.PriceLogRatioCount, -5, 5) : 0);

        var sessions = _reader.Finished(state, nowMs);
        w.Put(viewCount > 0 ? Math.Min(1, orders / (double)viewCount) : 0);
        w.Put(sessions.CartSessions > 0 ? sessions.Abandoned / (double)sessions.CartSessions : 0);
        w.Log(state.SessionCount);
        w.Log(sessions.Sessions > 0 ? sessions.Events / (double)sessions.Sessions : 0);
        w.Log(sessions.Sessions > 0 ? Math.Max(0, sessions.DurationMs) / 1000.0 / sessions.Sessions : 0);
        w.Put(sessions.Sessions > 0 ? sessions.Bounces / (double)sessions.Sessions : 0);
        w.Put(state.CurrentSessionId is not null && !sessions.OpenClosed ? 1 : 0);

        w.Put(state.RatingCount > 0 ? Math.Clamp((state.RatingSum / state.RatingCount) - _engine.Config.RatingCentre, -5, 5) / 2 : 0);
        w.Log(state.RatingCount);
        w.Log(state.RecoClicks);
        w.Log(state.RecoPurchases);

        ReadOnlySpan<int> hours = state.HourOfDay;
        ReadOnlySpan<int> days = state.DayOfWeek;
        w.Shares(hours);
        w.Shares(days);

        var stage = Array.IndexOf(Stages, _reader.Lifecycle(state, nowMs));
        w.OneHot(stage, Stages.Length);

        // Interest: each label's share of the decayed weight over the labels' categories, and its mass.
        var k = Labels.Count;
        var n = state.InterestCount;
        Span<double> weights = n <= 256 ? stackalloc double[n] : new double[n];
        _engine.InterestsNow(state, nowMs, weights);
        Span<double> byLabel = k <= 256 ? stackalloc double[k] : new double[k];
        byLabel.Clear();
        var mass = 0.0;
        for (var i = 0; i < n; i++)
        {
            var label = Labels.Of(state.Interests[i].Key, catalog);
            if (label >= 0 && weights[i] > 0)
            {
                byLabel[label] += weights[i];
                mass += weights[i];
            }
        }

        for (var l = 0; l < k; l++)
        {
            w.Put(mass > 0 ? byLabel[l] / mass : 0);
        }

        w.Log(mass);

        // The recent item sequence: label shares over it, and the newest item's label.
        byLabel.Clear();
        var labelled = 0;
        var newest = -1;
        for (var i = 0; i < state.Recent.Count; i++)
        {
            var label = Labels.Of(catalog.Find(state.Recent[i].ItemId));
            if (label >= 0)
            {
                byLabel[label]++;
                labelled++;
            }

            newest = label;
        }

        for (var l = 0; l < k; l++)
        {
            w.Put(labelled > 0 ? byLabel[l] / labelled : 0);
        }

        w.OneHot(newest, k);
        w.End();
    }

    private static double Days(double ms) => Math.Clamp(ms / MsPerDay, 0, MaxDays);

    private List<string> BuildNames()
    {
        var names = new List<string> { "events.log", "tenure.days.log", "idle.days.log" };
        foreach (var type in _types)
        {
            var t = _engine.Types.NameOf(type);
            names.AddRange([$"{t}.total.log", $"{t}.1h.log", $"{t}.24h.log", $"{t}.7d.log", $"{t}.30d.log", $"{t}.idle.days.log"]);
        }

        names.AddRange(["monetary.log", "order.value.log", "units.log", "price.level.log"]);
        names.AddRange(["conversion", "cart.abandonment"]);
        names.AddRange(["sessions.log", "session.events.log", "session.seconds.log", "session.bounce", "session.open"]);
        names.AddRange(["rating.mean", "rating.count.log", "reco.clicks.log", "reco.purchases.log"]);
        names.AddRange(Enumerable.Range(0, 24).Select(h => $"hour.{h:00}"));
        names.AddRange(DayNames.Select(d => $"day.{d}"));
        names.AddRange(Stages.Select(s => $"lifecycle.{s}"));
        names.AddRange(Labels.Names.Select(l => $"interest.{l}"));
        names.Add("interest.mass.log");
        names.AddRange(Labels.Names.Select(l => $"recent.{l}"));
        names.AddRange(Labels.Names.Select(l => $"recent.last.{l}"));
        return names;
    }

    /// <summary>Writes features in schema order.</summary>
    private ref struct Writer(Span<float> into)
    {
        private readonly Span<float> _into = into;
        private int _at;

        public void Put(double value) => _into[_at++] = (float)value;

        public void Log(double value) => Put(Math.Log(1 + Math.Max(0, value)));

        public void Skip(int count) => _at += count;

        public void OneHot(int index, int count)
        {
            if (index >= 0)
            {
                _into[_at + index] = 1;
            }

            _at += count;
        }

        public void Shares(ReadOnlySpan<int> counts)
        {
            long total = 0;
            foreach (var c in counts)
            {
                total += c;
            }

            foreach (var c in counts)
            {
                Put(total > 0 ? c / (double)total : 0);
            }
        }

        public readonly void End()
        {
            if (_at != _into.Length)
            {
                throw new InvalidOperationException($"features: wrote {_at} of {_into.Length}");
            }
        }
    }
}
