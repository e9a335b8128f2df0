using Persona.Core.Catalog;
using Persona.Core.Engine;
using Persona.Core.Events;
using Persona.Core.Features;
using Persona.Core.Serialization;

namespace Persona.Core.Tests;

public sealed class FeatureExtractorTests
{
    private const long T0 = 1_700_000_000_000; // 2023-11-14 22:13:20 UTC, a Tuesday
    private static readonly ProfileEngine Engine = new(new EngineConfig());

    [Fact]
    public void Schema_TwoLabels_NamesAndPinnedHash()
    {
        var x = new FeatureExtractor(Engine, new InterestLabels(["Shoes", "Books"]));
        Assert.Equal(123, x.Width); // 117 behaviour inputs + 3 per label
        Assert.Equal(["events.log", "tenure.days.log", "idle.days.log", "view.total.log", "view.1h.log"], x.Schema.Names.Take(5));
        Assert.Equal(["recent.Shoes", "recent.Books", "recent.last.Shoes", "recent.last.Books"], x.Schema.Names.TakeLast(4));
        Assert.Equal(2, x.Schema.Version);
        // Pinned: a change of names or order must bump FeatureExtractor.Version, which changes the hash.
        Assert.Equal("39160a6735654e39", x.Schema.Hash);
    }

    [Fact]
    public void Schema_OtherLabels_OtherHash()
    {
        var a = new FeatureExtractor(Engine, new InterestLabels(["Shoes", "Books"])).Schema.Hash;
        var b = new FeatureExtractor(Engine, new InterestLabels(["Books", "Shoes"])).Schema.Hash;
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Extract_NewProfile_AllZeros()
    {
        var x = new FeatureExtractor(Engine, new InterestLabels(["Shoes", "Books"]));
        Assert.All(x.Extract(new ProfileState("u"), Catalog(), T0), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Extract_FourEvents_ExactValues()
    {
        var catalog = Catalog();
        var state = new ProfileState("u");
        Apply(state, catalog, ("view", "a", 0), ("cart_add", "a", 1), ("purchase", "a", 2), ("view", "b", 3));
        var now = T0 + (3 * 60_000);
        var x = new FeatureExtractor(Engine, new InterestLabels(["Shoes", "Books"]));
        var f = x.Extract(state, catalog, now);
        float At(string name) => f[x.Schema.IndexOf(name)];

        Assert.Equal((float)Math.Log(5), At("events.log"));
        Assert.Equal((float)Math.Log(1 + (3 / 1440.0)), At("tenure.days.log"));
        Assert.Equal(0f, At("idle.days.log"));
        Assert.Equal((float)Math.Log(3), At("view.total.log"));
        Assert.Equal((float)Math.Log(2), At("purchase.24h.log"));
        Assert.Equal((float)Math.Log(1 + 3650), At("rate.idle.days.log"));
        Assert.Equal((float)Math.Log(101), At("monetary.log"));
        Assert.Equal((float)Math.Log(101), At("order.value.log"));
        Assert.Equal(0.5f, At("conversion")); // 1 purchase / 2 views
        Assert.Equal(1f, At("session.open"));
        Assert.Equal(1f, At("hour.22"));
        Assert.Equal(1f, At("day.tue"));
        Assert.Equal(1f, At("lifecycle.new"));

        // Interest: Shoes got 1 + 3 + 5, Books 1, each decayed from its event time (14-day half-life).
        double Decayed(double w, int minutes) => w * Math.Pow(2, -(3 - minutes) * 60_000.0 / TimeSpan.FromDays(14).TotalMilliseconds);
        var shoes = Decayed(1, 0) + Decayed(3, 1) + Decayed(5, 2);
        var books = Decayed(1, 3);
        Assert.Equal((float)(shoes / (shoes + books)), At("interest.Shoes"));
        Assert.Equal((float)Math.Log(1 + shoes + books), At("interest.mass.log"));
        Assert.Equal(0.75f, At("recent.Shoes"));
        Assert.Equal(0.25f, At("recent.Books"));
        Assert.Equal(0f, At("recent.last.Shoes"));
        Assert.Equal(1f, At("recent.last.Books"));
    }

    [Fact]
    public void Extract_AnyState_LeavesItUnchanged()
    {
        var (catalog, events) = TestStreams.Shop(seed: 3);
        var states = TestStreams.Replay(Engine, catalog, events);
        var x = new FeatureExtractor(Engine, InterestLabels.FromCatalog(catalog.Records));
        var now = events[^1].TimestampMs + 86_400_000;
        foreach (var s in states.Values)
        {
            var before = ProfileCodec.Serialize(s);
            var f = x.Extract(s, catalog, now);
            Assert.Equal(before, ProfileCodec.Serialize(s));
            Assert.All(f, v => Assert.True(float.IsFinite(v) && v >= -3 && v <= 12, $"{v}"));
        }
    }

    [Fact]
    public void Extract_ShopStream_PinnedDigestOfEveryVector()
    {
        // Pins every value of every profile of a synthetic shop: the families must write what the version-2 extractor wrote.
        var (catalog, events) = TestStreams.Shop(seed: 3);
        var states = TestStreams.Replay(Engine, catalog, events);
        var x = new FeatureExtractor(Engine, InterestLabels.FromCatalog(catalog.Records));
        var now = events[^1].TimestampMs + 86_400_000;
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var (_, state) in states.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            sha.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.Extract(state, catalog, now).AsSpan()));
        }

        Assert.Equal("a3d1ecddaf4f3134:7e83ec727aba52aa", x.Schema.Hash + ":" + Convert.ToHexStringLower(sha.GetHashAndReset())[..16]);
    }

    [Fact]
    public void Extract_ReviewAndRating_SatisfactionScoreEvidenceAndSignals()
    {
        var x = new FeatureExtractor(Engine, new InterestLabels(["Shoes"]));
        var state = new ProfileState("u");
        Engine.Apply(state, new BehaviorEvent { EventId = "r", Type = (byte)EventType.Review, UserId = "u", TimestampMs = T0, Rating = 1, Sentiment = 0.25 }, Catalog());

        var v = x.Extract(state, Catalog(), T0);
        var at = x.Schema.Names.ToList().IndexOf("satisfaction.score");

        Assert.Equal(["satisfaction.score", "satisfaction.evidence.log", "satisfaction.signals.log"], x.Schema.Names.Skip(at).Take(3));
        Assert.Equal(-0.75f, v[at]);
        Assert.Equal((float)Math.Log(3), v[at + 1], 5);
        Assert.Equal((float)Math.Log(3), v[at + 2], 5);
    }

    [Fact]
    public void Schema_WithoutAFamily_ItsNamesLeftOutAndAnotherHash()
    {
        var all = new FeatureExtractor(Engine, new InterestLabels(["Shoes"]));
        var without = new FeatureExtractor(Engine, new InterestLabels(["Shoes"]), ["satisfaction"]);

        Assert.Equal(all.Width - 3, without.Width);
        Assert.DoesNotContain(without.Schema.Names, n => n.StartsWith("satisfaction.", StringComparison.Ordinal));
        Assert.NotEqual(all.Schema.Hash, without.Schema.Hash);
    }

    [Fact]
    public void Extract_SpanOfOtherWidth_Throws()
    {
        var x = new FeatureExtractor(Engine, new InterestLabels(["Shoes"]));
        var ex = Assert.Throws<ArgumentException>(() => x.Extract(new ProfileState("u"), Catalog(), T0, new float[x.Width - 1]));
        Assert.StartsWith("features: the span holds 119 values, the schema 120", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromCatalog_SingleRoot_LabelsAreTheNextLevelByFrequency()
    {
        var items = new[]
        {
            new CatalogItem { ItemId = "1", CategoryPath = ["Movies", "Drama"] },
            new CatalogItem { ItemId = "2", CategoryPath = ["Movies", "Comedy"] },
            new CatalogItem { ItemId = "3", CategoryPath = ["Movies", "Drama"] },
            new CatalogItem { ItemId = "4", CategoryPath = ["Movies"] },
            new CatalogItem { ItemId = "5" },
        };
        var labels = InterestLabels.FromCatalog(items);
        Assert.Equal(["Movies/Drama", "Movies/Comedy"], labels.Names);

        var index = new CatalogIndex();
        index.Upsert(items);
        Assert.Equal([0, 1, 0, -1, -1], items.Select(i => labels.Of(index.Find(i.ItemId))));
        Assert.Equal(2, labels.Depth);
        Assert.Equal(["Movies/Comedy", "Movies/Drama"], InterestLabels.FromCatalog(items, itemWeights: new Dictionary<string, long> { ["2"] = 5, ["1"] = 1 }).Names);
    }

    [Fact]
    public void FromCatalog_MoreCategoriesThanMax_HeaviestAndOther()
    {
        var items = new[] { "A/x", "A/y", "B/x", "C/z", "C/z", "C/w", "D" }
            .Select((p, i) => new CatalogItem { ItemId = "i" + i, CategoryPath = p.Split('/') }).ToList();
        var labels = InterestLabels.FromCatalog(items, max: 3);
        Assert.Equal(["C", "A", InterestLabels.Other], labels.Names);
        Assert.True(labels.HasOther);
        Assert.Equal([1, 1, 2, 0, 0, 0, 2], items.Select(i => labels.OfPath(string.Join('/', i.CategoryPath))));

        var catalog = new CatalogIndex();
        catalog.Upsert(items);
        Assert.Equal(0, labels.Of(FeatureId.Of(FeatureKind.Category, "C"), catalog));
        Assert.Equal(2, labels.Of(FeatureId.Of(FeatureKind.Category, "B"), catalog));
        Assert.Equal(-1, labels.Of(FeatureId.Of(FeatureKind.Category, "C/z"), catalog)); // a deeper node
        Assert.Equal(-1, labels.Of(FeatureId.Of(FeatureKind.Brand, "C"), catalog));
    }

    [Theory]
    [InlineData("Movies/Drama", 0)]
    [InlineData("Movies/Drama/Noir", 0)]
    [InlineData("Movies/Comedy", 1)]
    [InlineData("Movies", -1)]
    [InlineData("", -1)]
    [InlineData("Books/Poetry", -1)]
    public void OfPath_DepthTwoWithoutOther_LabelOrNone(string path, int label)
    {
        Assert.Equal(label, new InterestLabels(["Movies/Drama", "Movies/Comedy"], depth: 2).OfPath(path));
    }

    [Fact]
    public void InterestLabels_Duplicate_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new InterestLabels(["A", "B", "A"]));
        Assert.StartsWith("interest labels: 'A' appears twice", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<ArgumentException>(() => new InterestLabels(["A/b", "C"], depth: 2));
        Assert.StartsWith("interest labels: label 1 ('C') is not a category path of 2 node(s)", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<ArgumentException>(() => new InterestLabels([InterestLabels.Other, "C"]));
        Assert.StartsWith("interest labels: (other) must be the last label", ex.Message, StringComparison.Ordinal);
    }

    private static CatalogIndex Catalog()
    {
        var c = new CatalogIndex();
        c.Upsert([
            new CatalogItem { ItemId = "a", CategoryPath = ["Shoes", "Running"], Brand = "Swift", Price = 100 },
            new CatalogItem { ItemId = "b", CategoryPath = ["Books", "Fiction"], Price = 20 },
        ]);
        return c;
    }

    private static void Apply(ProfileState state, ICatalogView catalog, params (string Type, string Item, int Minute)[] events)
    {
        var types = Engine.Types;
        var n = 0;
        foreach (var (type, item, minute) in events)
        {
            Assert.True(types.TryGetCode(type, out var code));
            Engine.Apply(state, new BehaviorEvent
            {
                EventId = "e" + n++,
                Type = code,
                UserId = state.UserId,
                ItemId = item,
                TimestampMs = T0 + (minute * 60_000L),
                Price = type == "purchase" ? 100 : null,
                Quantity = type == "purchase" ? 1 : null,
            }, catalog);
        }
    }
}
