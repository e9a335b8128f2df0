using Persona.Core.Catalog;
using Persona.Core.Events;
using Persona.Evaluation.Protocols;

namespace Persona.Evaluation.Tests;

public sealed class CrossDomainProtocolTests
{
    private static readonly CatalogItem[] Catalog =
    [
        new() { ItemId = "guitar", CategoryPath = ["Music", "Guitars"] },
        new() { ItemId = "strings", CategoryPath = ["Music", "Parts"] },
        new() { ItemId = "amp-book", CategoryPath = ["Books", "Music"] },
        new() { ItemId = "bestseller", CategoryPath = ["Books", "Novels"] },
    ];

    [Fact]
    public void Run_MusiciansReadAmpBooks_CrossDomainRanksItFirstWhilePopularityCannot()
    {
        var events = new List<BehaviorEvent>();
        var t = 0L;
        void Add(string user, string item) => events.Add(new BehaviorEvent { EventId = $"e{events.Count}", Type = (byte)EventType.View, UserId = user, ItemId = item, TimestampMs = t += 1_000 });

        // Readers make the novel the Books domain's best-seller; musicians who came before read the amp book.
        for (var i = 0; i < 30; i++)
        {
            Add($"reader{i}", "bestseller");
        }

        for (var i = 0; i < 10; i++)
        {
            Add($"early{i}", "guitar");
            Add($"early{i}", "strings");
            Add($"early{i}", "amp-book");
        }

        // More musicians: their first Books event is the amp book too.
        for (var i = 0; i < 10; i++)
        {
            Add($"late{i}", "guitar");
            Add($"late{i}", "strings");
            Add($"late{i}", "amp-book");
        }

        var (metrics, users) = CrossDomainProtocol.Run(events, Catalog, k: 1, seed: 1);

        Assert.Equal(19, users); // every musician but the first, whose amp book nobody had seen before
        Assert.Equal((2.0, 19.0), (metrics["domains"], metrics["users_evaluated"]));
        Assert.Equal((1.0, 0.0), (metrics["cross_domain.hr@1"], metrics["single_domain.hr@1"]));
        Assert.Equal((1.0, 1.0), (metrics["cross_minus_single.hr@1.ci95_low"], metrics["cross_minus_single.hr@1.ci95_high"]));
    }

    [Fact]
    public void Run_EventDomainField_TakesPrecedenceOverTheCategory()
    {
        var events = new[]
        {
            new BehaviorEvent { EventId = "a", Type = (byte)EventType.View, UserId = "u", ItemId = "guitar", TimestampMs = 1, Domain = "shop-a" },
            new BehaviorEvent { EventId = "b", Type = (byte)EventType.View, UserId = "u", ItemId = "strings", TimestampMs = 2, Domain = "shop-b" },
        };

        var (metrics, _) = CrossDomainProtocol.Run(events, Catalog, k: 10, seed: 1);

        Assert.Equal(2.0, metrics["domains"]);
    }
}
