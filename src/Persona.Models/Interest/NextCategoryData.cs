using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Core.Features;
using Persona.Models.Training;

namespace Persona.Models.Interest;

/// <summary>
/// Labelled rows for the interest model, split in time. Every event of a user with a later target event
/// (<see cref="InterestTarget"/>) whose item has a label is a cut: features from the replay as of that event
/// (<see cref="PointInTimeReplay"/>, the service's engine and configuration), label the target's category.
/// A row belongs to the part its label's time falls in: before <see cref="ValidationFromMs"/> training, then
/// validation until <see cref="TestFromMs"/>, then test; the boundaries are quantiles of all event times.
/// The labels are chosen from the training part's interactions only.
/// </summary>
public sealed class NextCategoryData
{
    private static readonly bool[] IsInteraction = InteractionTypes();

    private NextCategoryData(FeatureExtractor extractor, LabelledRows train, LabelledRows validation, LabelledRows test, long from, long validationFrom, long testFrom, long to)
    {
        Extractor = extractor;
        Train = train;
        Validation = validation;
        Test = test;
        FromMs = from;
        ValidationFromMs = validationFrom;
        TestFromMs = testFrom;
        ToMs = to;
    }

    public FeatureExtractor Extractor { get; }

    public InterestLabels Labels => Extractor.Labels;

    public LabelledRows Train { get; }

    public LabelledRows Validation { get; }

    public LabelledRows Test { get; }

    public long FromMs { get; }

    public long ValidationFromMs { get; }

    public long TestFromMs { get; }

    public long ToMs { get; }

    /// <param name="events">The stream, in any order.</param>
    /// <param name="catalog">Its catalog records.</param>
    /// <param name="config">The service's engine configuration.</param>
    /// <param name="target">What to predict the category of.</param>
    /// <param name="validationAt">Quantile of event times where validation starts.</param>
    /// <param name="testAt">Quantile of event times where test starts (1: no test part).</param>
    /// <param name="maxLabels">Most labels (the rest share <see cref="InterestLabels.Other"/>).</param>
    public static NextCategoryData Build(IReadOnlyList<BehaviorEvent> events, IReadOnlyList<CatalogItem> catalog, EngineConfig config, InterestTarget target, double validationAt = 0.7, double testAt = 0.8, int maxLabels = 64)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(config);
        if (!(validationAt > 0 && validationAt < testAt && testAt <= 1))
        {
            throw new ArgumentException($"split: need 0 < validation ({validationAt}) < test ({testAt}) <= 1");
        }

        if (events.Count == 0)
        {
            throw new ArgumentException("interest data: no events");
        }

        var times = events.Select(e => e.TimestampMs).Order().ToArray();
        var validationFrom = times[(int)Math.Min(times.Length - 1, Math.Floor(times.Length * validationAt))];
        var testFrom = testAt >= 1 ? long.MaxValue : times[(int)Math.Min(times.Length - 1, Math.Floor(times.Length * testAt))];

        var index = new CatalogIndex();
        index.Upsert(catalog);
        var weights = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e.ItemId is { } item && e.TimestampMs < validationFrom && IsTarget(e, target))
            {
                weights[item] = weights.GetValueOrDefault(item) + 1;
            }
        }

        var labels = InterestLabels.FromCatalog(catalog, maxLabels, weights);
        var engine = new ProfileEngine(config);
        var extractor = new FeatureExtractor(engine, labels);
        var parts = new[] { new LabelledRows(extractor.Width, labels.Count), new LabelledRows(extractor.Width, labels.Count), new LabelledRows(extractor.Width, labels.Count) };
        var next = new NextTargets(target, labels, index);
        foreach (var row in new PointInTimeReplay(engine, extractor, index).AtEvents(events, next.HasTarget))
        {
            var (label, time) = next.Of(row);
            parts[time < validationFrom ? 0 : time < testFrom ? 1 : 2].Add(row.Features, label);
        }

        return new NextCategoryData(extractor, parts[0], parts[1], parts[2], times[0], validationFrom, testFrom, times[^1]);
    }

    private static bool IsTarget(BehaviorEvent e, InterestTarget target) =>
        e.ItemId is not null && (target == InterestTarget.NextPurchase ? e.Type == (byte)EventType.Purchase : IsInteraction[e.Type]);

    private static bool[] InteractionTypes()
    {
        var types = new bool[256];
        foreach (var t in new[] { EventType.View, EventType.Click, EventType.CartAdd, EventType.Purchase, EventType.Rate, EventType.Review })
        {
            types[(int)t] = true;
        }

        return types;
    }

    /// <summary>For the user being replayed, the index of each event's next labelled target (computed once per user).</summary>
    private sealed class NextTargets(InterestTarget target, InterestLabels labels, ICatalogView catalog)
    {
        private BehaviorEvent[]? _user;
        private int[] _next = [];
        private int[] _label = [];

        public bool HasTarget(BehaviorEvent[] all, int i)
        {
            if (!ReferenceEquals(all, _user))
            {
                _user = all;
                _next = new int[all.Length];
                _label = new int[all.Length];
                var upcoming = -1;
                for (var j = all.Length - 1; j >= 0; j--)
                {
                    _next[j] = upcoming;
                    var label = IsTarget(all[j], target) ? labels.Of(catalog.Find(all[j].ItemId!)) : -1;
                    _label[j] = label;
                    if (label >= 0)
                    {
                        upcoming = j;
                    }
                }
            }

            return _next[i] >= 0;
        }

        public (int Label, long TimeMs) Of(PointInTimeRow row)
        {
            var j = _next[row.Position - 1];
            return (_label[j], row.Future[j - row.Position].TimestampMs);
        }
    }
}
