using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;

namespace Persona.Core.Tests;

public sealed class ProfileReaderTests
{
    private static readonly long T0 = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private static readonly ProfileEngine Engine = new(new EngineConfig());

    private static CatalogIndex Catalog()
    {
        var c = new CatalogIndex();
        c.Upsert([
            new CatalogItem { ItemId = "lip", CategoryPath = ["Beauty", "Makeup", "Lips"], Brand = "Acme", Price = 10, Tags = ["red"] },
            new CatalogItem { ItemId = "lip2", CategoryPath = ["Beauty", "Makeup", "Lips"], Brand = "Acme", Price = 30 },
            new CatalogItem { ItemId = "tv", CategoryPath = ["Electronics", "TV"], Brand = "Zen", Price = 500 },
        ]);
        return c;
    }

    private static BehaviorEvent E(string id, EventType type, string? item, long t, double? price = null, int? rating = null) =>
        new() { EventId = id, Type = (byte)type, UserId = "u", ItemId = item, TimestampMs = t, Price = price, Rating = rating, SessionId = null };

    [Fact]
    public void Read_SimpleHistory_ExactDerivedValues()
    {
        var catalog = Catalog();
        var s = new ProfileState("u");
        Engine.Apply(s, E("1", EventType.View, "lip", T0), catalog);
        Engine.Apply(s, E("2", EventType.CartAdd, "lip", T0 + 60_000), catalog);
        Engine.Apply(s, E("3", EventType.Purchase, "lip", T0 + 120_000, price: 10), catalog);
        Engine.Apply(s, E("4", EventType.View, "tv", T0 + (2 * 3_600_000)), catalog);
        Engine.Apply(s, E("5", EventType.Rate, "lip", T0 + (2 * 3_600_000) + 1000, rating: 5), catalog);
        var v = new ProfileReader(Engine).Read(s, catalog, T0 + (3 * 3_600_000));
        Assert.Equal(5, v.EventCount);
        Assert.Equal("new", v.Lifecycle);
        Assert.Equal("category:Beauty", v.Interests.Categories[0].Feature);
        Assert.Equal(1, v.Rfm.Frequency);
        Assert.Equal(10, v.Rfm.Monetary);
        Assert.Equal(10, v.Rfm.AverageOrderValue);
        Assert.Equal(0.5, v.ConversionRate);
        Assert.Equal(2, v.Sessions.Count); // 2-hour gap splits sessions
        Assert.Equal(0.0, v.CartAbandonmentRate);
        Assert.Equal(5, v.RatingMean);
        Assert.Equal(2, v.Counters["view"].Total);
        Assert.Equal(0, v.Counters["view"].LastHour);
        Assert.Equal(2, v.Counters["view"].Last24Hours);
        Assert.Equal("lip", v.RecentItems[0].ItemId);
        Assert.Equal(3, v.HourOfDay[9]);
        Assert.Equal(2, v.HourOfDay[11]);
        Assert.Equal(5, v.DayOfWeek[1]); // 2026-03-02 is a Monday
        Assert.Equal(Math.Round(Math.Pow(0.5, 0.75), 4), v.PriceLevel); // three events at half the Lips median, one at the TV median
    }

    [Fact]
    public void Lifecycle_IdleSpans_MoveThroughStages()
    {
        var catalog = Catalog();
        var s = new ProfileState("u");
        Engine.Apply(s, E("1", EventType.View, "lip", T0), catalog);
        Engine.Apply(s, E("2", EventType.View, "lip", T0 + (10L * 86_400_000)), catalog);
        var r = new ProfileReader(Engine);
        var last = T0 + (10L * 86_400_000);
        Assert.Equal("active", r.Lifecycle(s, last + 86_400_000));
        Assert.Equal("at-risk", r.Lifecycle(s, last + (20L * 86_400_000)));
        Assert.Equal("dormant", r.Lifecycle(s, last + (61L * 86_400_000)));
    }

    [Fact]
    public void Explain_TopInterest_ListsContributingEventsSummingToWeight()
    {
        var catalog = Catalog();
        var s = new ProfileState("u");
        List<BehaviorEvent> history = [E("1", EventType.View, "lip", T0), E("2", EventType.Purchase, "lip2", T0 + 1000), E("3", EventType.View, "tv", T0 + 2000)];
        foreach (var e in history)
        {
            Engine.Apply(s, e, catalog);
        }

        var now = T0 + 86_400_000;
        var explained = new ProfileReader(Engine).Explain(s, history, catalog, now);
        var beauty = explained.Single(x => x.Feature == "category:Beauty");
        Assert.Equal(["2", "1"], beauty.Events.Select(c => c.EventId));
        Assert.Equal(beauty.Weight, beauty.Events.Sum(c => c.Weight), 5);
    }
}
