using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Core.Features;
using Persona.Models.Training;

namespace Persona.Models.Churn;

/// <summary>
/// Labelled rows for churn and purchase propensity, by cuts in time. At a cut t every user with an event at
/// or before t gets a row: features as of t from the replay (<see cref="PointInTimeReplay.AtTime"/>, the
/// service's engine and configuration), label from the user's events in (t, t + window] only
/// (<see cref="ChurnOutcome"/>). The cuts: test at the last event − window, validation one window before
/// it, and training cuts from one window before validation back in steps, so every training label is
/// known before the validation cut and every validation label before the test cut (no window overlaps
/// the next part's). Each row also carries the user's recency (days since the last purchase, or since the
/// last event for a user who never bought) for the RFM baseline.
/// </summary>
public sealed class ChurnData
{
    private const double MsPerDay = 86_400_000;

    private ChurnData(FeatureExtractor extractor, ChurnPart train, ChurnPart validation, ChurnPart test, IReadOnlyList<long> trainCuts)
    {
        Extractor = extractor;
        Train = train;
        Validation = validation;
        Test = test;
        TrainCutsMs = trainCuts;
    }

    public FeatureExtractor Extractor { get; }

    public ChurnPart Train { get; }

    public ChurnPart Validation { get; }

    public ChurnPart Test { get; }

    public IReadOnlyList<long> TrainCutsMs { get; }

    /// <param name="events">The stream, in any order.</param>
    /// <param name="catalog">Its catalog records.</param>
    /// <param name="config">The service's engine configuration.</param>
    /// <param name="outcome">What is predicted.</param>
    /// <param name="windowDays">The window T after each cut.</param>
    /// <param name="trainCuts">Most training cuts.</param>
    /// <param name="stepDays">Days between training cuts.</param>
    /// <param name="maxLabels">Most interest labels in the features.</param>
    public static ChurnData Build(
        IReadOnlyList<BehaviorEvent> events, IReadOnlyList<CatalogItem> catalog, EngineConfig config, ChurnOutcome outcome, double windowDays, int trainCuts = 4, double stepDays = 30, int maxLabels = 16) =>
        Build(events, catalog, config, outcome, windowDays, trainCuts, stepDays, maxLabels, withoutFeatures: null);

    /// <summary>As the other overload, with feature families left out (by name prefix, as <see cref="FeatureExtractor"/> takes them): to measure what they add.</summary>
    public static ChurnData Build(
        IReadOnlyList<BehaviorEvent> events, IReadOnlyList<CatalogItem> catalog, EngineConfig config, ChurnOutcome outcome, double windowDays, int trainCuts, double stepDays, int maxLabels, IReadOnlyCollection<string>? withoutFeatures)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(config);
        if (!(windowDays > 0) || !(stepDays > 0) || trainCuts < 1)
        {
            throw new ArgumentException($"churn data: window ({windowDays} days), step ({stepDays} days) and training cuts ({trainCuts}) must be positive");
        }

        if (events.Count == 0)
        {
            throw new ArgumentException("churn data: no events");
        }

        var window = (long)(windowDays * MsPerDay);
        var first = events.Min(e => e.TimestampMs);
        var last = events.Max(e => e.TimestampMs);
        var test = last - window;
        var validation = test - window;
        var cuts = Enumerable.Range(0, trainCuts).Select(k => validation - window - (long)(k * stepDays * MsPerDay)).Where(c => c > first).ToArray();
        if (cuts.Length == 0)
        {
            throw new ArgumentException($"churn data: the events span {(last - first) / MsPerDay:F1} days; a {windowDays}-day window needs more than {3 * windowDays} days (training, validation and test windows)");
        }

        var index = new CatalogIndex();
        index.Upsert(catalog);
        var weights = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e.ItemId is { } item && e.TimestampMs <= cuts[0])
            {
                weights[item] = weights.GetValueOrDefault(item) + 1;
            }
        }

        var engine = new ProfileEngine(config);
        // Interest features over the catalog's top categories; a catalog without categories (Online Retail)
        // keeps only the (other) label, and the behaviour inputs carry the model.
        var labels = catalog.Any(i => i.CategoryPath.Count > 0) ? InterestLabels.FromCatalog(catalog, maxLabels, weights) : new InterestLabels([InterestLabels.Other]);
        var extractor = new FeatureExtractor(engine, labels, withoutFeatures);
        var replay = new PointInTimeReplay(engine, extractor, index);
        ChurnPart Part(IEnumerable<long> at)
        {
            var part = new ChurnPart(extractor.Width);
            foreach (var cut in at)
            {
                foreach (var row in replay.AtTime(events, cut))
                {
                    part.Add(row.Features, Label(row, cut + window, outcome), Recency(row, cut));
                }
            }

            return part;
        }

        return new ChurnData(extractor, Part(cuts), Part([validation]), Part([test]), cuts);
    }

    private static int Label(PointInTimeRow row, long endMs, ChurnOutcome outcome)
    {
        foreach (var e in row.Future)
        {
            if (e.TimestampMs > endMs)
            {
                break;
            }

            if (outcome == ChurnOutcome.NoActivity || e.Type == (byte)EventType.Purchase)
            {
                return outcome == ChurnOutcome.NoActivity ? 0 : 1;
            }
        }

        return outcome == ChurnOutcome.NoActivity ? 1 : 0;
    }

    private static float Recency(PointInTimeRow row, long cutMs)
    {
        long? lastPurchase = null;
        foreach (var e in row.Past)
        {
            if (e.Type == (byte)EventType.Purchase)
            {
                lastPurchase = e.TimestampMs;
            }
        }

        return (float)((cutMs - (lastPurchase ?? row.Past[^1].TimestampMs)) / MsPerDay);
    }
}

/// <summary>Rows of one part: features, binary labels (1 = the outcome happened) and each row's recency in days.</summary>
public sealed class ChurnPart(int width)
{
    private readonly List<float> _recency = [];

    public LabelledRows Rows { get; } = new(width, 2);

    public IReadOnlyList<float> RecencyDays => _recency;

    public int Count => Rows.Count;

    public double PositiveRate => Count == 0 ? 0 : Rows.Labels.ToArray().Average();

    internal void Add(ReadOnlySpan<float> features, int label, float recency)
    {
        Rows.Add(features, label);
        _recency.Add(recency);
    }
}
