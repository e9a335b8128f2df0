using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Core.Features;
using Persona.Models.Interest;
using Persona.Synthetic;

namespace Persona.Models.Tests;

public sealed class NextCategoryDataTests
{
    private static readonly Lazy<(List<BehaviorEvent> Events, IReadOnlyList<CatalogItem> Catalog)> Shop = new(() =>
    {
        var shop = new SyntheticShop(new ShopOptions { Seed = 7, Users = 60, Items = 400, Events = 6_000, MeanSessionGap = TimeSpan.FromDays(1) });
        return ([.. shop.Events()], shop.Catalog);
    });

    [Fact]
    public void Build_Rows_LabelIsTheNextInteractionsCategory()
    {
        var (events, catalog) = Shop.Value;
        var data = NextCategoryData.Build(events, catalog, new EngineConfig(), InterestTarget.NextInteraction);
        var index = new CatalogIndex();
        index.Upsert(catalog);

        // Recount independently: every event of a user followed by a labelled item interaction is a row,
        // labelled with that interaction's category; the part is chosen by the interaction's time.
        var expected = new List<(long Time, int Label)>();
        foreach (var user in events.GroupBy(e => e.UserId))
        {
            var ordered = user.OrderBy(e => e.TimestampMs).ToList();
            for (var i = 0; i < ordered.Count - 1; i++)
            {
                var next = ordered.Skip(i + 1).FirstOrDefault(e => e.ItemId is not null
                    && e.Type is (byte)EventType.View or (byte)EventType.Click or (byte)EventType.CartAdd or (byte)EventType.Purchase or (byte)EventType.Rate or (byte)EventType.Review
                    && data.Labels.Of(index.Find(e.ItemId)) >= 0);
                if (next is not null)
                {
                    expected.Add((next.TimestampMs, data.Labels.Of(index.Find(next.ItemId!))));
                }
            }
        }

        Assert.Equal(expected.Count(x => x.Time < data.ValidationFromMs), data.Train.Count);
        Assert.Equal(expected.Count(x => x.Time >= data.ValidationFromMs && x.Time < data.TestFromMs), data.Validation.Count);
        Assert.Equal(expected.Count(x => x.Time >= data.TestFromMs), data.Test.Count);
        Assert.Equal(
            expected.Where(x => x.Time < data.ValidationFromMs).GroupBy(x => x.Label).ToDictionary(g => g.Key, g => g.Count()),
            data.Train.Labels.ToArray().GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count()));
        Assert.True(data.FromMs < data.ValidationFromMs && data.ValidationFromMs < data.TestFromMs && data.TestFromMs <= data.ToMs);
    }

    [Fact]
    public void Build_Features_TheExtractorsAsOfTheCut()
    {
        var (events, catalog) = Shop.Value;
        var config = new EngineConfig { CategoryHalfLife = TimeSpan.FromDays(3) };
        var data = NextCategoryData.Build(events, catalog, config, InterestTarget.NextInteraction);
        Assert.Equal(data.Extractor.Width, data.Train.Width);

        // The first training row is the first user's first event, replayed through the same engine and config.
        var first = events.GroupBy(e => e.UserId).First().OrderBy(e => e.TimestampMs).First();
        var index = new CatalogIndex();
        index.Upsert(catalog);
        var engine = new ProfileEngine(config);
        var state = new ProfileState(first.UserId);
        engine.Apply(state, first, index);
        var x = new FeatureExtractor(engine, data.Labels).Extract(state, index, first.TimestampMs);
        Assert.Equal(x, data.Train.Row(0).ToArray());
    }

    [Fact]
    public void Build_NextPurchase_OnlyPurchasesLabelRows()
    {
        var (events, catalog) = Shop.Value;
        var purchases = NextCategoryData.Build(events, catalog, new EngineConfig(), InterestTarget.NextPurchase);
        var interactions = NextCategoryData.Build(events, catalog, new EngineConfig(), InterestTarget.NextInteraction);
        var total = purchases.Train.Count + purchases.Validation.Count + purchases.Test.Count;
        Assert.InRange(total, 1, (interactions.Train.Count + interactions.Validation.Count + interactions.Test.Count) - 1);
    }

    [Theory]
    [InlineData(0.0, 0.8)]
    [InlineData(0.8, 0.7)]
    [InlineData(0.5, 1.1)]
    public void Build_BadSplit_Throws(double validation, double test)
    {
        var (events, catalog) = Shop.Value;
        var ex = Assert.Throws<ArgumentException>(() => NextCategoryData.Build(events, catalog, new EngineConfig(), InterestTarget.NextInteraction, validation, test));
        Assert.StartsWith("split: need 0 < validation", ex.Message, StringComparison.Ordinal);
    }
}
