using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Models.Churn;

namespace Persona.Models.Tests;

public sealed class ChurnDataTests
{
    private const long Day = 86_400_000;

    // Four users over 100 days, window 10 days: test cut at day 90, validation at 80, training at 70, 65, 60.
    private static readonly List<BehaviorEvent> Stream =
    [
        Event("a", EventType.Purchase, 0), Event("a", EventType.View, 63), Event("a", EventType.View, 85), Event("a", EventType.Purchase, 95),
        Event("b", EventType.View, 1), Event("b", EventType.Purchase, 61), Event("b", EventType.View, 72),
        Event("c", EventType.View, 2), Event("c", EventType.View, 100),
        Event("d", EventType.View, 75), Event("d", EventType.Purchase, 78), Event("d", EventType.View, 99),
    ];

    private static readonly CatalogItem[] Catalog = [new() { ItemId = "i", CategoryPath = ["Shoes"], Price = 10 }];

    [Fact]
    public void Build_Churn_CutsAndLabelsFromTheWindowOnly()
    {
        var data = ChurnData.Build(Stream, Catalog, new EngineConfig(), ChurnOutcome.NoActivity, windowDays: 10, trainCuts: 3, stepDays: 5);
        Assert.Equal([70 * Day, 65 * Day, 60 * Day], data.TrainCutsMs);

        // Training rows, cut by cut, users in order of first appearance (a, b, c; d starts at day 75).
        // Day 70: a (next event 85 > 80) churns, b (72) stays, c churns. Day 65: a churns, b stays (72), c churns.
        // Day 60: a stays (63), b stays (61), c churns.
        Assert.Equal([1, 0, 1, 1, 0, 1, 0, 0, 1], data.Train.Rows.Labels.ToArray());
        // Validation at day 80: a stays (85), b churns, c churns, d churns (99 > 90).
        Assert.Equal([0, 1, 1, 1], data.Validation.Rows.Labels.ToArray());
        // Test at day 90: a stays (95), b churns, c stays (100), d stays (99).
        Assert.Equal([0, 1, 0, 0], data.Test.Rows.Labels.ToArray());
        // Recency: days since the last purchase, or since the last event without one (c).
        Assert.Equal([90f, 29f, 88f, 12f], data.Test.RecencyDays);
    }

    [Fact]
    public void Build_Purchase_PositiveOnlyForAPurchaseInTheWindow()
    {
        var data = ChurnData.Build(Stream, Catalog, new EngineConfig(), ChurnOutcome.Purchase, windowDays: 10, trainCuts: 3, stepDays: 5);
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 1, 0], data.Train.Rows.Labels.ToArray()); // b buys on day 61
        Assert.Equal([0, 0, 0, 0], data.Validation.Rows.Labels.ToArray());
        Assert.Equal([1, 0, 0, 0], data.Test.Rows.Labels.ToArray()); // a buys on day 95
    }

    [Fact]
    public void Build_LaterEventsChanged_FeaturesUnchanged()
    {
        var a = ChurnData.Build(Stream, Catalog, new EngineConfig(), ChurnOutcome.NoActivity, 10, 3, 5);
        var changed = Stream.Select(e => e.TimestampMs > 90 * Day ? e with { Type = (byte)EventType.Purchase, Price = 99 } : e).ToList();
        var b = ChurnData.Build(changed, Catalog, new EngineConfig(), ChurnOutcome.NoActivity, 10, 3, 5);
        Assert.Equal(a.Test.Rows.Features.ToArray(), b.Test.Rows.Features.ToArray());
        Assert.Equal(a.Train.Rows.Features.ToArray(), b.Train.Rows.Features.ToArray());
    }

    [Fact]
    public void Build_SpanTooShortForThreeWindows_ThrowsNamingTheSpan()
    {
        var error = Assert.Throws<ArgumentException>(() => ChurnData.Build(Stream, Catalog, new EngineConfig(), ChurnOutcome.NoActivity, windowDays: 40));
        Assert.Contains("span 100.0 days", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ChurnData.Build([], Catalog, new EngineConfig(), ChurnOutcome.NoActivity, 10));
        Assert.Throws<ArgumentException>(() => ChurnData.Build(Stream, Catalog, new EngineConfig(), ChurnOutcome.NoActivity, 0));
    }

    [Fact]
    public void RecencyBaseline_TwoBins_PredictsEachBinsSmoothedRate()
    {
        // Recent users (1–2 days) mostly stay, old ones (30–40 days) mostly churn.
        float[] recency = [1, 1, 2, 2, 30, 30, 40, 40];
        int[] labels = [0, 0, 0, 1, 1, 1, 1, 0];
        var baseline = RecencyBaseline.Fit(recency, labels, bins: 2);
        Assert.Equal(2, baseline.Bins);
        Assert.Equal(2.0 / 6, baseline.Predict(1.5f), 12); // (1 + 1) / (4 + 2)
        Assert.Equal(4.0 / 6, baseline.Predict(35f), 12); // (3 + 1) / (4 + 2)
        Assert.Equal(4.0 / 6, baseline.Predict(1000f), 12);
        Assert.Throws<ArgumentException>(() => RecencyBaseline.Fit([1f], [0, 1]));
    }

    private static BehaviorEvent Event(string user, EventType type, long day) => new()
    {
        EventId = $"{user}-{day}",
        Type = (byte)type,
        UserId = user,
        ItemId = "i",
        TimestampMs = day * Day,
        Price = type == EventType.Purchase ? 10 : null,
        Quantity = type == EventType.Purchase ? 1 : null,
    };
}
