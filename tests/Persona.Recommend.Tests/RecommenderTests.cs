using Persona.Core.Catalog;
using Persona.Core.Events;
using Persona.Core.Views;
using Persona.Recommend.Index;
using Persona.Recommend.Ranking;

namespace Persona.Recommend.Tests;

public sealed class RecommenderTests
{
    private static readonly long T0 = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static CatalogIndex Catalog(bool lip9InStock = true)
    {
        var catalog = new CatalogIndex();
        var items = new List<CatalogItem>();
        for (var i = 0; i < 10; i++)
        {
            items.Add(new CatalogItem { ItemId = $"lip{i}", CategoryPath = ["Beauty", "Lips"], Brand = "Rouge", Price = 10 + i, InStock = i != 9 || lip9InStock });
            items.Add(new CatalogItem { ItemId = $"eye{i}", CategoryPath = ["Beauty", "Eyes"], Brand = "Lash", Price = 20 + i });
            items.Add(new CatalogItem { ItemId = $"book{i}", CategoryPath = ["Books"], Brand = "Press", Price = 15 + i });
        }

        catalog.Upsert(items);
        return catalog;
    }

    private static BehaviorEvent E(string user, string item, EventType type, int minute) =>
        new() { EventId = $"{user}-{item}-{minute}-{type}", Type = (byte)type, UserId = user, ItemId = item, TimestampMs = T0 + (minute * 60_000L) };

    /// <summary>Many users view lip0 then lip1 (so they co-occur); books are popular; lip9 is viewed with lip0 too.</summary>
    private static List<BehaviorEvent> Stream()
    {
        var events = new List<BehaviorEvent>();
        for (var u = 0; u < 30; u++)
        {
            events.Add(E($"u{u}", "lip0", EventType.View, u * 10));
            events.Add(E($"u{u}", "lip1", EventType.View, (u * 10) + 1));
            events.Add(E($"u{u}", "lip9", EventType.View, (u * 10) + 2));
            events.Add(E($"u{u}", $"book{u % 10}", EventType.View, (u * 10) + 3));
            events.Add(E($"u{u}", $"book{u % 3}", EventType.View, (u * 10) + 4));
        }

        return events;
    }

    private static UserSignals Signals(params string[] recentNewestFirst) =>
        new([.. recentNewestFirst.Select(i => new RecentItemView(i, "view", DateTimeOffset.FromUnixTimeMilliseconds(T0)))], new Dictionary<ulong, double>
        {
            [FeatureId.Of(FeatureKind.Category, "Beauty/Lips")] = 1.0,
            [FeatureId.Of(FeatureKind.Category, "Beauty")] = 1.0,
        });

    [Fact]
    public void Recommend_UserWhoViewedLip0_CoViewedItemFirstWithTheReason()
    {
        var index = new RecommendationIndex(Catalog());
        index.Observe(Stream());
        var answer = new Recommender(index, new RecommenderOptions { MaxCategoryShare = 1 }).Recommend(
            new RecommendRequest { UserId = "new", K = 5, User = Signals("lip0"), NowMs = T0 }, "r1");
        Assert.Equal("lip1", answer.Items[0].ItemId);
        Assert.Contains("because you viewed lip0", answer.Items[0].Reasons);
        Assert.Equal("r1", answer.RecommendationId);
        Assert.Equal("blend:heuristic", answer.Model);
    }

    [Fact]
    public void Recommend_AnyUser_KDistinctItemsEachWithReasons()
    {
        var index = new RecommendationIndex(Catalog());
        index.Observe(Stream());
        var recommender = new Recommender(index);
        foreach (var signals in new[] { null, Signals("lip0"), Signals("book3", "eye2") })
        {
            var answer = recommender.Recommend(new RecommendRequest { UserId = "x", K = 20, User = signals, NowMs = T0 }, "r");
            Assert.Equal(20, answer.Items.Count);
            Assert.Equal(20, answer.Items.Select(i => i.ItemId).Distinct().Count());
            Assert.All(answer.Items, i => Assert.NotEmpty(i.Reasons));
        }
    }

    [Fact]
    public void Recommend_OutOfStockExcludedAndPurchased_NeverReturned()
    {
        var index = new RecommendationIndex(Catalog(lip9InStock: false));
        var events = Stream();
        events.Add(E("buyer", "lip1", EventType.Purchase, 1_000));
        index.Observe(events);
        var answer = new Recommender(index).Recommend(
            new RecommendRequest { UserId = "buyer", K = 29, User = Signals("lip1", "lip0"), Exclude = new HashSet<string> { "book1" }, NowMs = T0 }, "r");
        var ids = answer.Items.Select(i => i.ItemId).ToList();
        Assert.DoesNotContain("lip9", ids); // out of stock
        Assert.DoesNotContain("lip1", ids); // bought, and nobody buys it again
        Assert.DoesNotContain("book1", ids); // excluded by the request
        Assert.DoesNotContain("lip0", ids); // seen: in the recent items
        Assert.Equal(26, ids.Count); // 30 items less the four: the answer runs short only when nothing eligible is left
    }

    [Fact]
    public void Recommend_ExcludeRecentOff_SeenItemsMayReturn()
    {
        var index = new RecommendationIndex(Catalog());
        index.Observe(Stream());
        var seen = new Recommender(index, new RecommenderOptions { ExcludeRecent = false, MaxCategoryShare = 1 }).Recommend(
            new RecommendRequest { UserId = "x", K = 30, User = Signals("lip1", "lip0"), NowMs = T0 }, "r");
        Assert.Contains(seen.Items, i => i.ItemId == "lip0");
        var unseen = new Recommender(index, new RecommenderOptions { MaxCategoryShare = 1 }).Recommend(
            new RecommendRequest { UserId = "x", K = 30, User = Signals("lip1", "lip0"), NowMs = T0 }, "r");
        Assert.DoesNotContain(unseen.Items, i => i.ItemId is "lip0" or "lip1");
    }

    [Fact]
    public void Recommend_RepurchasedItem_OfferedAgainAsBuyAgain()
    {
        var index = new RecommendationIndex(Catalog());
        var events = Stream();
        for (var u = 0; u < 10; u++)
        {
            events.Add(E($"u{u}", "eye5", EventType.Purchase, 2_000 + u));
            events.Add(E($"u{u}", "eye5", EventType.Purchase, 3_000 + u)); // everyone buys it again
        }

        events.Add(E("buyer", "eye5", EventType.Purchase, 4_000));
        index.Observe(events);
        var answer = new Recommender(index).Recommend(new RecommendRequest { UserId = "buyer", K = 10, User = Signals("eye5"), NowMs = T0 }, "r");
        var eye5 = Assert.Single(answer.Items, i => i.ItemId == "eye5");
        Assert.Contains("buy again", eye5.Reasons);
    }

    [Fact]
    public void Recommend_CategoryCap_NoLeafCategoryOverItsShare()
    {
        var index = new RecommendationIndex(Catalog());
        index.Observe(Stream());
        var answer = new Recommender(index, new RecommenderOptions { MaxCategoryShare = 0.4 }).Recommend(
            new RecommendRequest { UserId = "x", K = 10, User = Signals("lip0", "lip1"), NowMs = T0 }, "r");
        Assert.Equal(10, answer.Items.Count);
        Assert.Equal(4, answer.Items.Count(i => i.ItemId.StartsWith("lip", StringComparison.Ordinal)));
    }

    [Fact]
    public void Recommend_NewItemWithNoEvents_RecommendedFromItsAttributesToAnInterestedUser()
    {
        var catalog = Catalog();
        var index = new RecommendationIndex(catalog);
        index.Observe(Stream());
        catalog.Upsert([new CatalogItem { ItemId = "lip-new", CategoryPath = ["Beauty", "Lips"], Brand = "Rouge", Price = 12 }]);
        index.Refresh();
        var answer = new Recommender(index).Recommend(new RecommendRequest { UserId = "x", K = 10, User = Signals("lip0"), NowMs = T0 }, "r");
        var item = Assert.Single(answer.Items, i => i.ItemId == "lip-new");
        Assert.Contains(item.Reasons, r => r is "new in Lips" or "matches your interest in Lips");
    }

    [Fact]
    public void Recommend_ColdStartWithContextCategory_ItemsOfThatCategoryFirst()
    {
        var index = new RecommendationIndex(Catalog());
        index.Observe(Stream());
        var answer = new Recommender(index, new RecommenderOptions { MaxCategoryShare = 1 }).Recommend(
            new RecommendRequest { UserId = "anon", K = 3, Context = new Dictionary<string, string> { ["category"] = "Beauty/Eyes" }, NowMs = T0 }, "r");
        Assert.All(answer.Items, i => Assert.StartsWith("eye", i.ItemId, StringComparison.Ordinal));
    }

    [Fact]
    public void Recommend_KOutOfRange_Throws()
    {
        var recommender = new Recommender(new RecommendationIndex(Catalog()));
        Assert.Throws<ArgumentOutOfRangeException>(() => recommender.Recommend(new RecommendRequest { UserId = "x", K = 0, NowMs = T0 }, "r"));
        Assert.Throws<ArgumentOutOfRangeException>(() => recommender.Recommend(new RecommendRequest { UserId = "x", K = 101, NowMs = T0 }, "r"));
    }

    [Fact]
    public void Observe_UsersInterleavedDifferently_SameAnswer()
    {
        var events = Stream();
        var inOrder = new RecommendationIndex(Catalog());
        inOrder.Observe(events);
        var shuffled = new RecommendationIndex(Catalog());
        shuffled.Observe(events.OrderByDescending(e => e.UserId, StringComparer.Ordinal)); // users one after another, last first: each user's own order kept
        inOrder.Refresh();
        shuffled.Refresh();
        var a = new Recommender(inOrder).Recommend(new RecommendRequest { UserId = "x", K = 20, User = Signals("lip0"), NowMs = T0 }, "r");
        var b = new Recommender(shuffled).Recommend(new RecommendRequest { UserId = "x", K = 20, User = Signals("lip0"), NowMs = T0 }, "r");
        Assert.Equal(string.Join(" ", a.Items.Select(i => $"{i.ItemId}:{i.Score:0.0000}")), string.Join(" ", b.Items.Select(i => $"{i.ItemId}:{i.Score:0.0000}")));
    }
}
